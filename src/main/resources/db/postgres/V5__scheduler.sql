-- conductor-vx schema, version 5: workflow schedules and the history of their runs.
-- A schedule's row keeps the pending slot of each trigger (next_slots, one per cron) and the
-- earliest of them (next_run_time, NULL while paused or past its end), which the partial index
-- keeps in firing order; version makes every write conditional on what the writer read.
CREATE TABLE scheduler_schedule (
  name          text     PRIMARY KEY,
  workflow_name text,
  paused        boolean  NOT NULL,
  next_run_time bigint,
  next_slots    bigint[] NOT NULL,
  version       bigint   NOT NULL,
  json          json     NOT NULL
);

CREATE INDEX scheduler_schedule_due_idx ON scheduler_schedule (next_run_time, name) WHERE next_run_time IS NOT NULL;
CREATE INDEX scheduler_schedule_workflow_idx ON scheduler_schedule (workflow_name, name);

-- One row per fired slot: POLLED when claimed (lease_until: when a start that never finished is
-- retried), then EXECUTED or FAILED. execution_id is derived from the schedule and the slot, so a
-- slot is recorded once.
CREATE TABLE scheduler_execution (
  execution_id   text   PRIMARY KEY,
  schedule_name  text   NOT NULL,
  workflow_name  text,
  workflow_id    text,
  state          text   NOT NULL,
  scheduled_time bigint NOT NULL,
  execution_time bigint,
  reason         text,
  lease_until    bigint NOT NULL DEFAULT 0,
  json           json   NOT NULL
);

CREATE INDEX scheduler_execution_time_idx ON scheduler_execution (scheduled_time DESC);
CREATE INDEX scheduler_execution_schedule_idx ON scheduler_execution (schedule_name, scheduled_time DESC);
CREATE INDEX scheduler_execution_polled_idx ON scheduler_execution (lease_until) WHERE state = 'POLLED';

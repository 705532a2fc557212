-- conductor-vx schema, version 1. Applied once by PostgresMigrations, inside its transaction.
-- Model objects are stored as the Jackson JSON of the server (json: kept as written, unlike jsonb, which reorders keys and rejects \u0000); only what lookups filter
-- on gets a real column. Times are epoch milliseconds, as in the JSON models.

-- Metadata ----------------------------------------------------------------------------------

CREATE TABLE task_def (
  name text PRIMARY KEY,
  json json  NOT NULL
);

-- The primary key also serves "latest version of a name" (ORDER BY version DESC LIMIT 1).
CREATE TABLE workflow_def (
  name    text    NOT NULL,
  version integer NOT NULL,
  json    json    NOT NULL,
  PRIMARY KEY (name, version)
);

-- Executions --------------------------------------------------------------------------------

-- json holds the workflow without its task list: tasks live in their own rows.
CREATE TABLE workflow (
  workflow_id    text    PRIMARY KEY,
  name           text    NOT NULL,
  version        integer NOT NULL,
  status         text    NOT NULL,
  correlation_id text,
  create_time    bigint  NOT NULL,
  json           json    NOT NULL
);

-- runningWorkflowIds(name, version)
CREATE INDEX workflow_name_version_status_idx ON workflow (name, version, status);
-- workflowIdsCreatedBetween(name, version, start, end)
CREATE INDEX workflow_name_version_created_idx ON workflow (name, version, create_time);
-- workflowsByCorrelationId(name, correlationId), oldest first
CREATE INDEX workflow_correlation_idx ON workflow (name, correlation_id, create_time)
  WHERE correlation_id IS NOT NULL;
-- activeWorkflowIds(): small, because most workflows end
CREATE INDEX workflow_active_idx ON workflow (workflow_id) WHERE status IN ('RUNNING', 'PAUSED');

CREATE TABLE task (
  task_id     text    PRIMARY KEY,
  workflow_id text    NOT NULL REFERENCES workflow (workflow_id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  json        json    NOT NULL
);

-- A workflow's tasks in order; also serves the foreign key's cascade.
CREATE INDEX task_workflow_seq_idx ON task (workflow_id, seq);

-- No foreign key: a worker may log against a task id the store has not seen yet.
CREATE TABLE task_log (
  id           bigserial PRIMARY KEY,
  task_id      text   NOT NULL,
  log          text,
  created_time bigint NOT NULL
);

CREATE INDEX task_log_task_idx ON task_log (task_id, id);

-- domain '' stands for "no domain", so that the pair can be a primary key.
CREATE TABLE poll_data (
  queue_name     text   NOT NULL,
  domain         text   NOT NULL DEFAULT '',
  worker_id      text,
  last_poll_time bigint NOT NULL,
  PRIMARY KEY (queue_name, domain)
);

-- Queues ------------------------------------------------------------------------------------

-- One row per message. lease_until IS NULL: waiting (ready once due_at has passed);
-- otherwise leased to a reader until lease_until. seq breaks ties for FIFO order.
CREATE SEQUENCE queue_message_seq;

CREATE TABLE queue_message (
  queue       text    NOT NULL,
  id          text    NOT NULL,
  payload     text,
  priority    integer NOT NULL,
  due_at      bigint  NOT NULL,
  lease_until bigint,
  seq         bigint  NOT NULL,
  PRIMARY KEY (queue, id)
);

-- pop: waiting messages of a queue in delivery order (priority first, then due time, then age).
CREATE INDEX queue_message_ready_idx ON queue_message (queue, priority DESC, due_at, seq)
  WHERE lease_until IS NULL;
-- requeueExpiredLeases: only leased rows are indexed.
CREATE INDEX queue_message_lease_idx ON queue_message (lease_until) WHERE lease_until IS NOT NULL;

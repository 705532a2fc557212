-- conductor-vx schema, version 6: instances sharing this database (cluster mode).
-- A member is one process start: a fresh id each time, its heartbeat by the database's clock and
-- the address other members forward commands to.
CREATE TABLE cluster_member (
  member_id    uuid        PRIMARY KEY,
  address      text        NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  leaving      boolean     NOT NULL DEFAULT false
);

-- One row per decider partition (the count is fixed when the first member seeds them). The owner
-- holds the partition until lease_until (database clock); epoch grows at every change of owner and
-- every write of a workflow's state checks it (FOR KEY SHARE), so a former owner's writes are refused.
CREATE TABLE cluster_partition (
  partition_id integer     PRIMARY KEY,
  owner        uuid,
  epoch        bigint      NOT NULL DEFAULT 0,
  lease_until  timestamptz NOT NULL DEFAULT 'epoch',
  acquired_at  timestamptz
);

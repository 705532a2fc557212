-- conductor-vx schema, version 7: what retention selects on. end_time is set when a workflow
-- finishes (NULL while it runs or is paused, and again when a retry reopens it);
-- parent_workflow_id is a sub-workflow's parent, set when it starts. Only finished rows are in the
-- retention indexes, so they stay as small as what can be removed.
ALTER TABLE workflow ADD COLUMN end_time bigint, ADD COLUMN parent_workflow_id text;

-- Rows written before this version: from their JSON, once.
UPDATE workflow SET parent_workflow_id = json->>'parentWorkflowId' WHERE json->>'parentWorkflowId' IS NOT NULL;
UPDATE workflow
   SET end_time = coalesce(nullif((json->>'endTime')::bigint, 0), (json->>'updateTime')::bigint, create_time)
 WHERE status NOT IN ('RUNNING', 'PAUSED');

-- Finished workflows in (end time, id) order: the default window and the count limit.
CREATE INDEX workflow_finished_idx ON workflow (end_time, workflow_id) WHERE end_time IS NOT NULL;
-- The same per name: a name with a window of its own.
CREATE INDEX workflow_name_finished_idx ON workflow (name, end_time, workflow_id) WHERE end_time IS NOT NULL;
-- A workflow's sub-workflows, which go with it.
CREATE INDEX workflow_parent_idx ON workflow (parent_workflow_id) WHERE parent_workflow_id IS NOT NULL;

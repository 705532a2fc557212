-- conductor-vx schema, version 4: event handler executions (what each handler did for each
-- message). The key is Conductor's (handler, event, execution id "<messageId>_<action>"), so a
-- redelivered message finds the actions it already ran; created is indexed for retention.
CREATE TABLE event_execution (
  handler_name text   NOT NULL,
  event        text   NOT NULL,
  execution_id text   NOT NULL,
  message_id   text   NOT NULL,
  created      bigint NOT NULL,
  status       text   NOT NULL,
  json         json   NOT NULL,
  PRIMARY KEY (handler_name, event, execution_id)
);

CREATE INDEX event_execution_message_idx ON event_execution (handler_name, message_id);
CREATE INDEX event_execution_handler_created_idx ON event_execution (handler_name, created);
CREATE INDEX event_execution_created_idx ON event_execution (created);

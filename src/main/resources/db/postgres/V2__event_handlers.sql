-- conductor-vx schema, version 2: event handlers, keyed by name. The event name and the active
-- flag get columns because the event processor looks handlers up by them for every message.
CREATE TABLE event_handler (
  name   text    PRIMARY KEY,
  event  text    NOT NULL,
  active boolean NOT NULL,
  json   json    NOT NULL
);

CREATE INDEX event_handler_event_idx ON event_handler (event, name);

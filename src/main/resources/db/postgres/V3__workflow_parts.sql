-- conductor-vx schema, version 3: a workflow's input and definition get columns of their own.
-- They are set when the workflow starts (or reruns) and can be large, while the rest of the
-- workflow changes with every command: kept apart, a save rewrites only the small part, and
-- PostgreSQL keeps the large values as they are. Rows written before this version hold both
-- inside json and leave these columns null.
ALTER TABLE workflow ADD COLUMN input json, ADD COLUMN definition json;

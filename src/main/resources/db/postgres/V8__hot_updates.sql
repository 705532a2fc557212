-- conductor-vx schema, version 8: room on each page for the next versions of its rows. A
-- workflow's row is rewritten by most commands and a task's about three times, soon after it was
-- written; with full pages (the default) the new version moved to another page and every index of
-- the table got an entry for it. With half of each page free the update stays on its page without
-- touching an index (a HOT update): measured on the standard load, task updates went from 23% to
-- all but a few HOT, workflow updates from 68% to 90%, and PostgreSQL's CPU per workflow fell by an
-- eighth (benchmarks/README.md). Pages written before this version fill as before.
ALTER TABLE workflow SET (fillfactor = 50);
ALTER TABLE task SET (fillfactor = 50);

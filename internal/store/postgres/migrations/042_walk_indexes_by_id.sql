-- The indexes a search walks in time order end in the ticket id, as
-- tickets_live_updated does since migration 031 (issue 20). A page is ordered
-- by (updated_at, id): with updated_at alone PostgreSQL must read every ticket
-- sharing the last updated_at before it can sort them by id, and an automation
-- closes a thousand tickets at one time. After the default automation closed
-- 121,000 seeded tickets, a page of badge group:"Facilities" read 12,163 of
-- the group's tickets, probing each one's words, for 25 (0.9 s). SQLite needs
-- none of this: its indexes end in the rowid, the ticket id.
DROP INDEX tickets_live_created;
CREATE INDEX tickets_live_created   ON tickets (created_at, id)               WHERE deleted_at IS NULL;
DROP INDEX tickets_live_status;
CREATE INDEX tickets_live_status    ON tickets (status, updated_at, id)       WHERE deleted_at IS NULL;
DROP INDEX tickets_live_priority;
CREATE INDEX tickets_live_priority  ON tickets (priority, updated_at, id)     WHERE deleted_at IS NULL;
DROP INDEX tickets_live_assignee;
CREATE INDEX tickets_live_assignee  ON tickets (assignee_id, updated_at, id)  WHERE deleted_at IS NULL;
DROP INDEX tickets_live_group;
CREATE INDEX tickets_live_group     ON tickets (group_id, updated_at, id)     WHERE deleted_at IS NULL;
DROP INDEX tickets_live_requester;
CREATE INDEX tickets_live_requester ON tickets (requester_id, updated_at, id) WHERE deleted_at IS NULL;

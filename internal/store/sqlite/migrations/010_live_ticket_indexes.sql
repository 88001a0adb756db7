-- Every query over live tickets says "deleted_at IS NULL", so their indexes can
-- leave soft-deleted tickets out, and each filter column is paired with
-- updated_at: a search or view with that filter then counts from the index alone
-- and reads its newest page in index order, without visiting the ticket rows
-- (counting 27,000 pending tickets among 1,000,000 visited every row: 750 ms).
DROP INDEX tickets_updated;
DROP INDEX tickets_created;
DROP INDEX tickets_status;
DROP INDEX tickets_assignee;
DROP INDEX tickets_group;
DROP INDEX tickets_requester;
CREATE INDEX tickets_live_updated   ON tickets (updated_at)                WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_created   ON tickets (created_at)                WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_status    ON tickets (status, updated_at)        WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_priority  ON tickets (priority, updated_at)      WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_assignee  ON tickets (assignee_id, updated_at)   WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_group     ON tickets (group_id, updated_at)      WHERE deleted_at IS NULL;
CREATE INDEX tickets_live_requester ON tickets (requester_id, updated_at)  WHERE deleted_at IS NULL;

-- The full-text and tag indexes now hold live tickets only: a soft delete takes a
-- ticket out and a restore puts it back, so a word or tag search counts matches
-- without looking each one up to skip the deleted.
DELETE FROM ticket_text WHERE rowid >> 20 IN (SELECT id FROM tickets WHERE deleted_at IS NOT NULL);
DELETE FROM ticket_tags WHERE ticket_id IN (SELECT id FROM tickets WHERE deleted_at IS NOT NULL);

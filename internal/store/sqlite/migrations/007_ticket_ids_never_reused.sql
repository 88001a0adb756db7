-- Ticket ids are never reused. Without AUTOINCREMENT, SQLite gives a new row the
-- largest id in the table plus one, so purging the newest ticket (the escalation
-- flow does, within a second of its creation) handed its id to the next ticket:
-- that ticket answered for the purged one's tombstone, and its stub and secure copy
-- were attributed to two tickets. AUTOINCREMENT keeps the high-water mark in
-- sqlite_sequence. PostgreSQL identities never reuse values.
CREATE TABLE tickets_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    subject        TEXT   NOT NULL,
    description    TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    priority       TEXT   NOT NULL DEFAULT '',
    type           TEXT   NOT NULL DEFAULT '',
    requester_id   BIGINT NOT NULL,
    submitter_id   BIGINT NOT NULL,
    assignee_id    BIGINT,
    group_id       BIGINT,
    tags           TEXT   NOT NULL DEFAULT '',
    external_id    TEXT   NOT NULL DEFAULT '',
    custom_fields  TEXT   NOT NULL DEFAULT '',
    ticket_form_id BIGINT,
    via            TEXT   NOT NULL DEFAULT 'api',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deleted_at     BIGINT,
    deleted_by     BIGINT
);
INSERT INTO tickets_new (id, subject, description, status, priority, type, requester_id, submitter_id,
    assignee_id, group_id, tags, external_id, custom_fields, ticket_form_id, via, created_at, updated_at,
    deleted_at, deleted_by)
SELECT id, subject, description, status, priority, type, requester_id, submitter_id,
    assignee_id, group_id, tags, external_id, custom_fields, ticket_form_id, via, created_at, updated_at,
    deleted_at, deleted_by
FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;

-- The indexes of 001 and 004, dropped with the old table.
CREATE INDEX tickets_external_id ON tickets (external_id) WHERE external_id <> '';
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_assignee ON tickets (assignee_id);
CREATE INDEX tickets_group ON tickets (group_id);
CREATE INDEX tickets_requester ON tickets (requester_id);
CREATE INDEX tickets_deleted ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tickets_created ON tickets (created_at);

-- Ids already purged by escalations are known from their tombstones: start above them.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'tickets', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'tickets');
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(id) FROM tombstones), 0))
WHERE name = 'tickets';

-- Full-text index of tickets: one document per ticket, its subject and every comment
-- body (rowid = ticket id). secure-delete makes a DELETE remove the document's terms
-- from the index at once, instead of leaving delete markers (and the terms) until a
-- later merge; with PRAGMA secure_delete the freed pages are zeroed. A contentless
-- table would keep no copy of the text, but its deletes are tombstones that leave
-- the terms in the index, which a purge must not do.
CREATE VIRTUAL TABLE ticket_fts USING fts5(doc, tokenize='unicode61');
INSERT INTO ticket_fts (ticket_fts, rank) VALUES ('secure-delete', 1);

-- Index the tickets that existed before this migration.
INSERT INTO ticket_fts (rowid, doc)
SELECT t.id, LOWER(t.subject || ' ' || COALESCE((SELECT GROUP_CONCAT(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id), ''))
FROM tickets t;

-- Finished bulk jobs (update_many, destroy_many), kept for a day as Zendesk does.
CREATE TABLE job_statuses (
    id         TEXT   PRIMARY KEY, -- 32 hex characters, like Zendesk's
    job_type   TEXT   NOT NULL,
    user_id    BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    progress   BIGINT NOT NULL,
    status     TEXT   NOT NULL,
    message    TEXT   NOT NULL DEFAULT '',
    results    TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
CREATE INDEX job_statuses_created ON job_statuses (created_at);

CREATE INDEX tickets_deleted ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tickets_created ON tickets (created_at);

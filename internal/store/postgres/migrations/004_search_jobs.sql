-- Full-text index of tickets: one tsvector per ticket over its subject and every
-- comment body. The 'simple' configuration lower-cases without stemming, so both
-- backends match the same words. VACUUM after a purge reclaims removed entries.
CREATE TABLE ticket_search (
    ticket_id BIGINT   PRIMARY KEY,
    doc       tsvector NOT NULL
);
-- fastupdate off: with a pending list, every search scans the not-yet-merged
-- entries linearly (tens of ms after a burst of writes), and removed entries wait
-- there for VACUUM; writing straight into the index keeps searches fast.
CREATE INDEX ticket_search_doc ON ticket_search USING GIN (doc) WITH (fastupdate = off);

-- Index the tickets that existed before this migration.
INSERT INTO ticket_search (ticket_id, doc)
SELECT t.id, to_tsvector('simple', regexp_replace(LOWER(t.subject || ' ' ||
    COALESCE((SELECT string_agg(c.body, ' ') FROM comments c WHERE c.ticket_id = t.id), '')), '[^[:alnum:]]+', ' ', 'g'))
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

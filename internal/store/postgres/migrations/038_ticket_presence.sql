-- "Also viewing" across nodes (issue 19): which staff user polled which
-- ticket page, and when (unix milliseconds). Nodes on one PostgreSQL serve any
-- agent's request, so the table is shared instead of kept per node as on
-- SQLite (one node). UNLOGGED: a hint that is stale after 40 seconds needs no
-- WAL and is fine to lose in a crash. No content: two ids and a time.
CREATE UNLOGGED TABLE ticket_presence (
    ticket_id BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    seen_at   BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

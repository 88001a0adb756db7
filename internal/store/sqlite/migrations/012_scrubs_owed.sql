-- A purge records here, in its own transaction, that the database owes a scrub
-- (SQLite: a WAL checkpoint that empties the WAL), so a scrub that fails, waits
-- for a reader or is cut short by a crash is retried until it succeeds, after a
-- restart too. A row holds no ticket id or text: only when the debt began, how
-- often paying it failed and the last failure.
CREATE TABLE scrubs_owed (
    id         INTEGER PRIMARY KEY,
    owed_at    BIGINT  NOT NULL,
    attempts   BIGINT  NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT ''
);

-- Outgoing mail (issue 17). One row per message, written in the transaction of
-- the change that caused it, with the River job that sends it. message holds the
-- built RFC 5322 text until it is sent, then is emptied: the log keeps who, what
-- subject and how it went, not the ticket's text. A ticket's purge deletes its rows.
CREATE TABLE mail_outgoing (
    id           TEXT    PRIMARY KEY,
    ticket_id    BIGINT  NOT NULL,
    trigger_id   BIGINT  NOT NULL DEFAULT 0,
    recipient_id BIGINT  NOT NULL DEFAULT 0,
    recipient    TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    message_id   TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    job_id       BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX mail_outgoing_ticket ON mail_outgoing (ticket_id);
CREATE INDEX mail_outgoing_created ON mail_outgoing (created_at, id);

-- Once-only mail set-up steps of an instance (the default notification triggers
-- are installed once, so an admin who deletes them doesn't see them come back).
CREATE TABLE mail_setup (
    step       TEXT   PRIMARY KEY,
    done_at    BIGINT NOT NULL
);

-- Inbound mail (issue 17). mailboxes are the IMAP mailboxes an instance fetches;
-- their password, client secret and refresh token are stored sealed with the
-- instance's secret key. mail_messages is the intake log: one row per fetched or
-- pushed mail, with no subject and no body, so it can outlive the ticket it made
-- and still stop a re-import (by IMAP UIDVALIDITY+UID and by content hash, never
-- by Message-ID alone, which senders reuse).
CREATE TABLE mailboxes (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    address             TEXT    NOT NULL DEFAULT '',
    url                 TEXT    NOT NULL,
    auth                TEXT    NOT NULL DEFAULT 'password',
    secret              TEXT    NOT NULL DEFAULT '',
    oauth_token_url     TEXT    NOT NULL DEFAULT '',
    oauth_client_id     TEXT    NOT NULL DEFAULT '',
    oauth_scope         TEXT    NOT NULL DEFAULT '',
    oauth_refresh_token TEXT    NOT NULL DEFAULT '',
    group_id            BIGINT  NOT NULL DEFAULT 0,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);

CREATE TABLE mail_messages (
    id           INTEGER PRIMARY KEY,
    mailbox_id   BIGINT NOT NULL DEFAULT 0,
    uid_validity BIGINT NOT NULL DEFAULT 0,
    uid          BIGINT NOT NULL DEFAULT 0,
    content_hash TEXT   NOT NULL UNIQUE,
    message_id   TEXT   NOT NULL DEFAULT '',
    from_address TEXT   NOT NULL DEFAULT '',
    outcome      TEXT   NOT NULL,
    reason       TEXT   NOT NULL DEFAULT '',
    ticket_id    BIGINT NOT NULL DEFAULT 0,
    comment_id   BIGINT NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL DEFAULT 0,
    received_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX mail_messages_uid ON mail_messages (mailbox_id, uid_validity, uid) WHERE uid > 0;
CREATE INDEX mail_messages_sender ON mail_messages (from_address, received_at);
CREATE INDEX mail_messages_ticket ON mail_messages (ticket_id) WHERE ticket_id > 0;
CREATE INDEX mail_messages_outcome ON mail_messages (outcome, id);

-- A mail that could not be filed (too large, unparsable): what an admin reads to
-- decide, kept until dismissed. fallback is the start of the raw message as text;
-- blob_id the whole message in the attachment store ('' when it was too large to keep).
CREATE TABLE mail_quarantine (
    mail_id  BIGINT PRIMARY KEY,
    error    TEXT   NOT NULL,
    fallback TEXT   NOT NULL DEFAULT '',
    blob_id  TEXT   NOT NULL DEFAULT ''
);

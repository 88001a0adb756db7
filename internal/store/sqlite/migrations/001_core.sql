CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    external_id   TEXT    NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_external_id ON users (external_id) WHERE external_id <> '';

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    digest       TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (name);

CREATE TABLE group_memberships (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    UNIQUE (user_id, group_id)
);
CREATE INDEX group_memberships_group ON group_memberships (group_id);

CREATE TABLE tickets (
    id             INTEGER PRIMARY KEY,
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
CREATE INDEX tickets_external_id ON tickets (external_id) WHERE external_id <> '';
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_assignee ON tickets (assignee_id);
CREATE INDEX tickets_group ON tickets (group_id);
CREATE INDEX tickets_requester ON tickets (requester_id);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    ticket_id  BIGINT  NOT NULL,
    author_id  BIGINT  NOT NULL,
    audit_id   BIGINT  NOT NULL,
    body       TEXT    NOT NULL,
    public     BOOLEAN NOT NULL,
    via        TEXT    NOT NULL DEFAULT 'api',
    created_at BIGINT  NOT NULL
);
CREATE INDEX comments_ticket ON comments (ticket_id, id);

CREATE TABLE audits (
    id         INTEGER PRIMARY KEY,
    ticket_id  BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    via        TEXT   NOT NULL DEFAULT 'api',
    events     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX audits_ticket ON audits (ticket_id, id);

CREATE TABLE idempotency_keys (
    user_id    BIGINT NOT NULL,
    key        TEXT   NOT NULL,
    ticket_id  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

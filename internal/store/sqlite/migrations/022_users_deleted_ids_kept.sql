-- Soft-deleted users (DELETE /api/v2/users/{id}, issue 21): Zendesk keeps the user
-- and their tickets and shows them with active false. deleted_at tells a deleted
-- user from a suspended one; both are refused at sign-in through users.active.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;

-- Ids are never reused (issue 21 point 7), for the tables 007 left out. Without
-- AUTOINCREMENT, SQLite gives a new row the largest id plus one, so deleting the
-- newest group, field, form, trigger or target handed its id to the next one, and a
-- client (or a trigger, a view, an import's id map) still naming the deleted record
-- silently pointed at the new one. Each table is rebuilt as 007 did for tickets;
-- AUTOINCREMENT records every inserted id in sqlite_sequence, the copied ones too.

-- group_memberships references groups ON DELETE CASCADE and foreign keys are on,
-- so dropping groups would delete every membership: they are set aside and put back.
CREATE TEMP TABLE group_memberships_keep AS SELECT * FROM group_memberships;
CREATE TABLE groups_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
INSERT INTO groups_new (id, name, description, created_at, updated_at)
SELECT id, name, description, created_at, updated_at FROM groups;
DROP TABLE groups;
ALTER TABLE groups_new RENAME TO groups;
CREATE UNIQUE INDEX groups_name ON groups (name);
INSERT INTO group_memberships SELECT * FROM group_memberships_keep
WHERE id NOT IN (SELECT id FROM group_memberships);
DROP TABLE group_memberships_keep;

CREATE TABLE ticket_fields_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    type        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    regexp      TEXT    NOT NULL DEFAULT '',
    tag         TEXT    NOT NULL DEFAULT '',
    position    BIGINT  NOT NULL DEFAULT 0,
    options     TEXT    NOT NULL DEFAULT '[]',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
INSERT INTO ticket_fields_new SELECT id, type, title, description, active, required, regexp, tag, position,
    options, created_at, updated_at FROM ticket_fields;
DROP TABLE ticket_fields;
ALTER TABLE ticket_fields_new RENAME TO ticket_fields;

CREATE TABLE ticket_forms_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL,
    display_name     TEXT    NOT NULL DEFAULT '',
    position         BIGINT  NOT NULL DEFAULT 0,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    end_user_visible BOOLEAN NOT NULL DEFAULT TRUE,
    field_ids        TEXT    NOT NULL DEFAULT '[]',
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
INSERT INTO ticket_forms_new SELECT id, name, display_name, position, active, is_default, end_user_visible,
    field_ids, created_at, updated_at FROM ticket_forms;
DROP TABLE ticket_forms;
ALTER TABLE ticket_forms_new RENAME TO ticket_forms;

CREATE TABLE triggers_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    BIGINT  NOT NULL DEFAULT 0,
    conditions  TEXT    NOT NULL,
    actions     TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
INSERT INTO triggers_new SELECT id, title, description, active, position, conditions, actions, created_at,
    updated_at FROM triggers;
DROP TABLE triggers;
ALTER TABLE triggers_new RENAME TO triggers;

CREATE TABLE targets_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT    NOT NULL DEFAULT 'http_target',
    title        TEXT    NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    target_url   TEXT    NOT NULL,
    method       TEXT    NOT NULL DEFAULT 'post',
    content_type TEXT    NOT NULL DEFAULT 'application/json',
    username     TEXT    NOT NULL DEFAULT '',
    password     TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL
);
INSERT INTO targets_new SELECT id, type, title, active, target_url, method, content_type, username, password,
    created_at FROM targets;
DROP TABLE targets;
ALTER TABLE targets_new RENAME TO targets;

-- Ids are never reused (issue 21 point 7), for the tables 022 left out: macros,
-- views, automations, schedules, SLA policies and group memberships. Without
-- AUTOINCREMENT, SQLite gives a new row the largest id plus one, so deleting the
-- newest macro handed its id to the next one, and a client, an import's id map or
-- a rule still naming the deleted record silently pointed at the new one.
-- PostgreSQL's identity columns never hand an id out twice, so only SQLite
-- needs this. Each table is rebuilt as 022 did; AUTOINCREMENT records every
-- inserted id in sqlite_sequence, the copied ones too. The copies read SELECT *
-- so that a column some other migration added makes this one fail loudly
-- instead of dropping it.

CREATE TABLE macros_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    position         BIGINT  NOT NULL DEFAULT 0,
    actions          TEXT    NOT NULL,
    restriction_type TEXT    NOT NULL DEFAULT '',
    restriction_ids  TEXT    NOT NULL DEFAULT '[]',
    owner_id         BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
INSERT INTO macros_new SELECT * FROM macros;
DROP TABLE macros;
ALTER TABLE macros_new RENAME TO macros;
CREATE INDEX macros_owner ON macros (owner_id);

CREATE TABLE ticket_views_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    position         BIGINT  NOT NULL DEFAULT 0,
    conditions       TEXT    NOT NULL,
    execution        TEXT    NOT NULL,
    restriction_type TEXT    NOT NULL DEFAULT '',
    restriction_ids  TEXT    NOT NULL DEFAULT '[]',
    owner_id         BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
INSERT INTO ticket_views_new SELECT * FROM ticket_views;
DROP TABLE ticket_views;
ALTER TABLE ticket_views_new RENAME TO ticket_views;
CREATE INDEX ticket_views_owner ON ticket_views (owner_id);

CREATE TABLE automations_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    BIGINT  NOT NULL DEFAULT 0,
    conditions  TEXT    NOT NULL,
    actions     TEXT    NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
INSERT INTO automations_new SELECT * FROM automations;
DROP TABLE automations;
ALTER TABLE automations_new RENAME TO automations;

CREATE TABLE business_schedules_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT   NOT NULL,
    time_zone  TEXT   NOT NULL,
    intervals  TEXT   NOT NULL,
    holidays   TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO business_schedules_new SELECT * FROM business_schedules;
DROP TABLE business_schedules;
ALTER TABLE business_schedules_new RENAME TO business_schedules;

CREATE TABLE sla_policies_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    position       BIGINT  NOT NULL DEFAULT 0,
    filter         TEXT    NOT NULL,
    policy_metrics TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
INSERT INTO sla_policies_new SELECT * FROM sla_policies;
DROP TABLE sla_policies;
ALTER TABLE sla_policies_new RENAME TO sla_policies;

-- Nothing references group memberships, so no rows need setting aside.
CREATE TABLE group_memberships_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id   BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    UNIQUE (user_id, group_id)
);
INSERT INTO group_memberships_new SELECT * FROM group_memberships;
DROP TABLE group_memberships;
ALTER TABLE group_memberships_new RENAME TO group_memberships;
CREATE INDEX group_memberships_group ON group_memberships (group_id);

-- Custom fields of users and organizations (issue 21's census): Zendesk's
-- user_fields and organization_fields, one table told apart by entity ('user'
-- or 'organization'). A key is unique within its entity; ids are never reused.
-- options is the JSON list of a dropdown's choices ([{id, name, value}]).
CREATE TABLE entity_fields (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    entity                TEXT    NOT NULL,
    field_key             TEXT    NOT NULL,
    type                  TEXT    NOT NULL,
    title                 TEXT    NOT NULL,
    description           TEXT    NOT NULL DEFAULT '',
    position              BIGINT  NOT NULL DEFAULT 0,
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    regexp_for_validation TEXT    NOT NULL DEFAULT '',
    tag                   TEXT    NOT NULL DEFAULT '',
    options               TEXT    NOT NULL DEFAULT '[]',
    created_at            BIGINT  NOT NULL,
    updated_at            BIGINT  NOT NULL
);
CREATE UNIQUE INDEX entity_fields_key ON entity_fields (entity, field_key);

CREATE TABLE ticket_fields (
    id          INTEGER PRIMARY KEY,
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

CREATE TABLE ticket_forms (
    id               INTEGER PRIMARY KEY,
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

-- Option ids come from here so they are unique across fields, as in Zendesk.
CREATE TABLE field_option_ids (id INTEGER PRIMARY KEY, field_id BIGINT NOT NULL);

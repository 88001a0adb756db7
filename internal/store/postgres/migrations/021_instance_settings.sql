-- Instance settings an admin changes at run time (issue 19): the accent colour
-- that tells the desks apart. One row per setting, by name.
CREATE TABLE instance_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

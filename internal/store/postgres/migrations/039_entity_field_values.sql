-- Values of user and organization fields (issue 21): one row per (user or
-- organization, field) that has a value; an unset field has no row. The field
-- id tells the entity apart (entity_fields.entity), so user 5 and organization
-- 5 never collide. Written in the transaction that saves the user or
-- organization; deleting a field deletes its rows (by the field index).
CREATE TABLE entity_field_values (
    entity_id BIGINT NOT NULL,
    field_id  BIGINT NOT NULL,
    value     TEXT   NOT NULL,
    PRIMARY KEY (entity_id, field_id)
);
CREATE INDEX entity_field_values_field ON entity_field_values (field_id);
-- Plain attributes a team migrating from Zendesk needs (they were dropped).
-- An organization's group_id is 0 for none; a deleted group reads as none.
ALTER TABLE users ADD COLUMN details TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN alias TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN signature TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN group_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN shared_tickets BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organizations ADD COLUMN shared_comments BOOLEAN NOT NULL DEFAULT FALSE;

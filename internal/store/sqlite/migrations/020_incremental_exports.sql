-- Incremental exports (issue 21). generated_at is Zendesk's generated_timestamp:
-- when the ticket last changed in this database (an update, a soft delete, a
-- restore, an import), which for an imported ticket is not its historic
-- updated_at. The exports walk (generated_at, id) in index order, page by page.
ALTER TABLE tickets ADD COLUMN generated_at BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET generated_at = CASE WHEN deleted_at > updated_at THEN deleted_at ELSE updated_at END;
CREATE INDEX tickets_generated ON tickets (generated_at, id);

-- A purged ticket leaves its id and purge time only, so an export tells a
-- warehouse it is gone without saying anything of what it held. Tickets purged
-- by an escalation before this migration are known from their tombstones.
CREATE TABLE purged_tickets (
    id        BIGINT PRIMARY KEY,
    purged_at BIGINT NOT NULL
);
CREATE INDEX purged_tickets_time ON purged_tickets (purged_at, id);
INSERT INTO purged_tickets (id, purged_at) SELECT id, purged_at FROM tombstones;

-- The ticket event and user exports walk audits and users in time order.
CREATE INDEX audits_created ON audits (created_at, id);
CREATE INDEX users_updated ON users (updated_at, id);

-- Organizations (issue 21; added to 020 before any release). Ids are never
-- reused. Names are unique regardless of case, as in Zendesk; domain_names is
-- space-separated. A user's default membership is their organization_id.
CREATE TABLE organizations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT   NOT NULL,
    external_id  TEXT   NOT NULL DEFAULT '',
    details      TEXT   NOT NULL DEFAULT '',
    notes        TEXT   NOT NULL DEFAULT '',
    domain_names TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX organizations_name ON organizations (LOWER(name));
CREATE INDEX organizations_external_id ON organizations (external_id) WHERE external_id <> '';
CREATE INDEX organizations_updated ON organizations (updated_at, id);

CREATE TABLE organization_memberships (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    is_default      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (user_id, organization_id)
);
CREATE INDEX organization_memberships_org ON organization_memberships (organization_id);

-- A ticket's organization (0 is none), by default its requester's.
ALTER TABLE tickets ADD COLUMN organization_id BIGINT;
CREATE INDEX tickets_live_organization ON tickets (organization_id, id) WHERE deleted_at IS NULL;

-- Tags on users and organizations (issue 21). The tags column is the record the
-- API returns, read with the row; the *_tags tables hold one row per tag, so
-- /api/v2/tags counts them with the tickets' without splitting strings.
ALTER TABLE users ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN tags TEXT NOT NULL DEFAULT '';
CREATE TABLE user_tags (
    tag     TEXT   NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (tag, user_id)
) WITHOUT ROWID;
CREATE INDEX user_tags_user ON user_tags (user_id);
CREATE TABLE organization_tags (
    tag             TEXT   NOT NULL,
    organization_id BIGINT NOT NULL,
    PRIMARY KEY (tag, organization_id)
) WITHOUT ROWID;
CREATE INDEX organization_tags_organization ON organization_tags (organization_id);

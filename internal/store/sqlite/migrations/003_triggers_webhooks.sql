CREATE TABLE triggers (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    position    BIGINT  NOT NULL DEFAULT 0,
    conditions  TEXT    NOT NULL,
    actions     TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- A counter bumped on every trigger change, so each node reloads its cached rule
-- set only when it changed (one indexed read per write instead of a full load).
CREATE TABLE rule_versions (name TEXT PRIMARY KEY, version BIGINT NOT NULL);
INSERT INTO rule_versions (name, version) VALUES ('triggers', 1);

CREATE TABLE webhooks (
    id             TEXT    PRIMARY KEY, -- ULID, as Zendesk's webhook ids
    name           TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    endpoint       TEXT    NOT NULL,
    http_method    TEXT    NOT NULL,
    request_format TEXT    NOT NULL DEFAULT 'json',
    status         TEXT    NOT NULL DEFAULT 'active',
    auth_type      TEXT    NOT NULL DEFAULT '',
    auth_data      TEXT    NOT NULL DEFAULT '{}',
    custom_headers TEXT    NOT NULL DEFAULT '{}',
    signing_secret TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);

CREATE TABLE targets (
    id           INTEGER PRIMARY KEY,
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

-- One row per outbound request. The notifications of one trigger firing form a
-- chain (chain_id, step): step n+1 is only enqueued once step n succeeded.
-- Rendered bodies live here until delivered, then are dropped.
CREATE TABLE deliveries (
    id           TEXT    PRIMARY KEY, -- ULID; also the Idempotency-Key and invocation id
    chain_id     TEXT    NOT NULL,
    step         BIGINT  NOT NULL,
    ticket_id    BIGINT  NOT NULL,
    trigger_id   BIGINT  NOT NULL,
    kind         TEXT    NOT NULL, -- webhook | target
    endpoint_ref TEXT    NOT NULL, -- webhook id or target id
    method       TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    state        TEXT    NOT NULL, -- waiting | pending | retrying | delivered | failed
    attempts     BIGINT  NOT NULL DEFAULT 0,
    status_code  BIGINT  NOT NULL DEFAULT 0,
    latency_ms   BIGINT  NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    job_id       BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE INDEX deliveries_chain ON deliveries (chain_id, step);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_ref, state);
CREATE INDEX deliveries_ticket ON deliveries (ticket_id);

-- Agent web UI sessions. The browser holds a random id; only its SHA-256 digest is
-- stored, so a copy of the database can't be replayed as a login.
CREATE TABLE web_sessions (
    digest     TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

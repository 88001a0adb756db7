-- Attachments (issue 18). An upload is a row with its token and uploader and no
-- comment yet; a ticket create or update that names the token attaches it
-- (comment_id, ticket_id set). Rows carry file metadata only: the bytes live in the
-- blob store (blob_id), on SQLite files under <data>/blobs.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    upload_token  TEXT    NOT NULL,
    content_token TEXT    NOT NULL UNIQUE,
    blob_id       TEXT    NOT NULL,
    uploader_id   BIGINT  NOT NULL,
    ticket_id     BIGINT,
    comment_id    BIGINT,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size          BIGINT  NOT NULL,
    sha256        TEXT    NOT NULL,
    width         BIGINT,
    height        BIGINT,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX attachments_upload_token ON attachments (upload_token);
CREATE INDEX attachments_ticket ON attachments (ticket_id);
CREATE INDEX attachments_comment ON attachments (comment_id);
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE comment_id IS NULL;

-- Blobs whose rows are gone (purge, redaction, expired upload) but whose bytes a
-- file store still has to overwrite and remove; written in the same transaction,
-- cleared once the file is gone, retried until then.
CREATE TABLE blob_deletes_owed (
    blob_id  TEXT   PRIMARY KEY,
    owed_at  BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0
);

-- The comment each imported Message-ID came with (migration 037 kept only its
-- ticket), so the comments API shows it as metadata.system.message_id, as it
-- does for mail intake filed itself: an import of this instance into another
-- then carries it on, and replies naming the old mail thread there too. Rows
-- written before this migration have 0 and show nowhere, but still thread.
-- The index serves that per-ticket read. No content is added: a comment number.
ALTER TABLE import_message_ids ADD COLUMN comment_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX import_message_ids_ticket ON import_message_ids (ticket_id);

-- An image's thumbnail is an attachment row of its own (its bytes a blob like any
-- other) pointing at the original; it shares the original's upload token, so it is
-- attached, expired and purged with it.
ALTER TABLE attachments ADD COLUMN thumbnail_of BIGINT;
CREATE INDEX attachments_thumbnail_of ON attachments (thumbnail_of);

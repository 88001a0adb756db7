-- The full-text index holds one row per part of a ticket instead of one document
-- per ticket: part 0 is the subject, part k the ticket's k-th comment, and the
-- rowid is (ticket id << 20) + part. A new comment then adds one small row, where
-- rebuilding the whole document held the single writer for milliseconds on long
-- threads; a purge deletes the ticket's rowid range. The ticket id is the rowid
-- shifted right, so matching reads no content rows. secure-delete as before (004).
DROP TABLE ticket_fts;
CREATE VIRTUAL TABLE ticket_text USING fts5(doc, tokenize='unicode61');
INSERT INTO ticket_text (ticket_text, rank) VALUES ('secure-delete', 1);

INSERT INTO ticket_text (rowid, doc) SELECT id << 20, LOWER(subject) FROM tickets;
INSERT INTO ticket_text (rowid, doc)
SELECT (ticket_id << 20) + ROW_NUMBER() OVER (PARTITION BY ticket_id ORDER BY id), LOWER(body) FROM comments;

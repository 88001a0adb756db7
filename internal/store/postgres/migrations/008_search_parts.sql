-- The full-text index holds one row per part of a ticket instead of one document
-- per ticket: part 0 is the subject, part k the ticket's k-th comment. A new
-- comment then adds one small row, where rebuilding the whole tsvector rewrote
-- every GIN entry of the ticket on each reply.
DROP TABLE ticket_search;
CREATE TABLE ticket_search (
    ticket_id BIGINT   NOT NULL,
    part      INTEGER  NOT NULL,
    doc       tsvector NOT NULL,
    PRIMARY KEY (ticket_id, part)
);
-- fastupdate off, as in 004.
CREATE INDEX ticket_search_doc ON ticket_search USING GIN (doc) WITH (fastupdate = off);

INSERT INTO ticket_search (ticket_id, part, doc)
SELECT id, 0, to_tsvector('simple', regexp_replace(LOWER(subject), '[^[:alnum:]]+', ' ', 'g')) FROM tickets;
INSERT INTO ticket_search (ticket_id, part, doc)
SELECT ticket_id, ROW_NUMBER() OVER (PARTITION BY ticket_id ORDER BY id),
    to_tsvector('simple', regexp_replace(LOWER(body), '[^[:alnum:]]+', ' ', 'g'))
FROM comments;

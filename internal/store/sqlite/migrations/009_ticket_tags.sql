-- Tags as rows, one per ticket and tag, so a tags: search reads an index instead
-- of scanning every ticket's tag string (tickets.tags stays the record the API
-- returns). WITHOUT ROWID: the primary key is the whole row.
CREATE TABLE ticket_tags (
    tag       TEXT   NOT NULL,
    ticket_id BIGINT NOT NULL,
    PRIMARY KEY (tag, ticket_id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_ticket ON ticket_tags (ticket_id);

WITH RECURSIVE split(ticket_id, tag, rest) AS (
    SELECT id, '', tags || ' ' FROM tickets WHERE tags <> ''
    UNION ALL
    SELECT ticket_id, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) SELECT LOWER(tag), ticket_id FROM split WHERE tag <> '';

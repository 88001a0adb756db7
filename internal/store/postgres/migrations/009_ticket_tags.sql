-- Tags as rows, one per ticket and tag, so a tags: search reads an index instead
-- of scanning every ticket's tag string (tickets.tags stays the record the API
-- returns).
CREATE TABLE ticket_tags (
    tag       TEXT   NOT NULL,
    ticket_id BIGINT NOT NULL,
    PRIMARY KEY (tag, ticket_id)
);
CREATE INDEX ticket_tags_ticket ON ticket_tags (ticket_id);

INSERT INTO ticket_tags (tag, ticket_id)
SELECT DISTINCT LOWER(t.tag), tk.id FROM tickets tk, unnest(string_to_array(tk.tags, ' ')) AS t(tag)
WHERE tk.tags <> '' AND t.tag <> ''
ON CONFLICT DO NOTHING;

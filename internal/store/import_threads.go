package store

import "context"

// ImportedTicket returns the ticket here that ticket sourceID of an import from
// host became (migration 024's map, kind "ticket"); found is false when none did.
// host is a mail domain, such as acme.zendesk.com in a reply to
// support+id123@acme.zendesk.com: it matches the source recorded for an import
// from that host, on any port (an import from http://host:8080 is recorded as
// "host:8080").
func (q *Queries) ImportedTicket(ctx context.Context, host string, sourceID int64) (targetID int64, found bool, err error) {
	m, found, err := q.ImportID(ctx, host, "ticket", sourceID)
	if err != nil || found {
		return m.TargetID, found, err
	}
	// An import from a port. No range on the key: a PostgreSQL collation other
	// than C may order "host:8080" outside ("host:", "host;"). This reads the
	// key's entries for that ticket number, for a mail whose address names one.
	rows, err := q.q.QueryContext(ctx, `SELECT target_id FROM import_ids
		WHERE kind = 'ticket' AND source_id = $1 AND substr(source, 1, length($2)) = $2 LIMIT 2`, sourceID, host+":")
	if err != nil {
		return 0, false, q.wrap("imported ticket", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&targetID); err != nil {
			return 0, false, q.wrap("scan imported ticket", err)
		}
		n++
	}
	if err := q.wrapIf("imported ticket", rows.Err()); err != nil {
		return 0, false, err
	}
	// Imports from two ports of one host would make the number ambiguous: no thread.
	return targetID, n == 1, nil
}

// SaveImportMessageID records that the mail with Message-ID id (without angle
// brackets), in an import from source, became comment commentID of ticket
// ticketID here (migrations 037 and 043). A re-run writes it again.
func (q *Queries) SaveImportMessageID(ctx context.Context, source, id string, ticketID, commentID int64) error {
	return q.exec(ctx, "save import message id", false, `INSERT INTO import_message_ids (message_id, source, ticket_id, comment_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT (message_id, source) DO UPDATE SET ticket_id = excluded.ticket_id,
		comment_id = excluded.comment_id`, id, source, ticketID, commentID)
}

// ImportedMessageTicket returns the ticket here whose imported conversation
// holds the mail with Message-ID id; found is false when no import recorded it,
// or when imports from two sources recorded it for different tickets (a
// Message-ID is chosen by whoever sends the mail, so it names no ticket then).
func (q *Queries) ImportedMessageTicket(ctx context.Context, id string) (ticketID int64, found bool, err error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT ticket_id FROM import_message_ids WHERE message_id = $1 LIMIT 2`, id)
	if err != nil {
		return 0, false, q.wrap("imported message ticket", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&ticketID); err != nil {
			return 0, false, q.wrap("scan imported message ticket", err)
		}
		n++
	}
	if err := q.wrapIf("imported message ticket", rows.Err()); err != nil {
		return 0, false, err
	}
	return ticketID, n == 1, nil
}

// CommentMessageIDs maps the comments of ticket ticketID that were made of
// mails, by intake here or in the helpdesk they were imported from, to those
// mails' Message-IDs (without angle brackets).
func (q *Queries) CommentMessageIDs(ctx context.Context, ticketID int64) (map[int64]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT comment_id, message_id FROM mail_messages
		WHERE ticket_id = $1 AND comment_id > 0 AND message_id <> ''
		UNION ALL SELECT comment_id, message_id FROM import_message_ids WHERE ticket_id = $1 AND comment_id > 0`, ticketID)
	if err != nil {
		return nil, q.wrap("comment message ids", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var c int64
		var id string
		if err := rows.Scan(&c, &id); err != nil {
			return nil, q.wrap("scan comment message id", err)
		}
		out[c] = id
	}
	return out, q.wrapIf("comment message ids", rows.Err())
}

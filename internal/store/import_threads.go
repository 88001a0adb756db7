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

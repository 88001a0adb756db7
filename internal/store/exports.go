package store

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ExportKey is a position in an incremental export: rows come in (At, ID)
// order, and a page starts strictly after its key. At is in microseconds, as
// the database keeps times.
type ExportKey struct {
	At int64
	ID int64
}

// ExportKeyAt is the key just before every row at or after t.
func ExportKeyAt(t time.Time) ExportKey { return ExportKey{At: ts(t), ID: -1} }

// Time is the key's instant.
func (k ExportKey) Time() time.Time { return fromTS(k.At) }

// ExportTicket is one ticket of an incremental export. A purged ticket has only
// its id (Ticket.ID), Purged set and GeneratedAt, its purge time.
type ExportTicket struct {
	Ticket      model.Ticket
	GeneratedAt time.Time
	Deleted     bool
	Purged      bool
}

// Key is the ticket's position in the export.
func (e *ExportTicket) Key() ExportKey { return ExportKey{At: ts(e.GeneratedAt), ID: e.Ticket.ID} }

// afterKey is the condition "(col, id) > key and col < until", written so both
// backends range over the (col, id) index. It uses $1 to $3.
func afterKey(col, idCol string, k ExportKey, until time.Time) (string, []any) {
	return fmt.Sprintf(" %[1]s >= $1 AND (%[1]s > $1 OR %[2]s > $2) AND %[1]s < $3", col, idCol),
		[]any{k.At, k.ID, ts(until)}
}

// TicketsChangedAfter returns up to limit tickets, live and soft-deleted, and
// purged tickets' ids, changed after key and before until, in (generated_at,
// id) order. Both
// lists are read up to limit rows from their indexes and merged, so a page costs
// two index ranges however many tickets there are.
func (q *Queries) TicketsChangedAfter(ctx context.Context, key ExportKey, until time.Time, limit int) ([]ExportTicket, error) {
	cond, args := afterKey("generated_at", "id", key, until)
	args = append(args, limit)
	rows, err := q.q.QueryContext(ctx, `SELECT `+ticketCols+`, generated_at, deleted_at IS NOT NULL FROM tickets
		WHERE`+cond+` ORDER BY generated_at, id LIMIT $4`, args...)
	if err != nil {
		return nil, q.wrap("export tickets", err)
	}
	defer rows.Close()
	var live []ExportTicket
	for rows.Next() {
		var e ExportTicket
		var gen int64
		t, err := scanTicket(scanTail{rows, []any{&gen, &e.Deleted}})
		if err != nil {
			return nil, q.wrap("scan exported ticket", err)
		}
		e.Ticket, e.GeneratedAt = t, fromTS(gen)
		live = append(live, e)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("export tickets", err)
	}
	purged, err := q.purgedAfter(ctx, key, until, limit)
	if err != nil {
		return nil, err
	}
	return mergeExport(live, purged, limit), nil
}

// scanTail scans a ticket's columns followed by more.
type scanTail struct {
	row  interface{ Scan(...any) error }
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail...)...) }

func (q *Queries) purgedAfter(ctx context.Context, key ExportKey, until time.Time, limit int) ([]ExportTicket, error) {
	cond, args := afterKey("purged_at", "id", key, until)
	args = append(args, limit)
	rows, err := q.q.QueryContext(ctx, `SELECT id, purged_at FROM purged_tickets WHERE`+cond+`
		ORDER BY purged_at, id LIMIT $4`, args...)
	if err != nil {
		return nil, q.wrap("export purged tickets", err)
	}
	defer rows.Close()
	var out []ExportTicket
	for rows.Next() {
		e := ExportTicket{Purged: true, Deleted: true}
		var at int64
		if err := rows.Scan(&e.Ticket.ID, &at); err != nil {
			return nil, q.wrap("scan purged ticket", err)
		}
		e.GeneratedAt = fromTS(at)
		out = append(out, e)
	}
	return out, q.wrapIf("export purged tickets", rows.Err())
}

// mergeExport merges two lists sorted by key into the first limit of both.
func mergeExport(a, b []ExportTicket, limit int) []ExportTicket {
	if len(b) == 0 {
		return a
	}
	out := make([]ExportTicket, 0, min(limit, len(a)+len(b)))
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && a[0].Key().less(b[0].Key())) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

func (k ExportKey) less(o ExportKey) bool { return k.At < o.At || (k.At == o.At && k.ID < o.ID) }

// RecordPurge notes that ticket id was purged at at, for the exports.
func (q *Queries) RecordPurge(ctx context.Context, id int64, at time.Time) error {
	return q.exec(ctx, "record purge", false, `INSERT INTO purged_tickets (id, purged_at) VALUES ($1, $2)
		ON CONFLICT (id) DO NOTHING`, id, ts(at))
}

// TouchTicket sets when ticket id last changed for the exports, apart from its
// updated_at: an imported ticket keeps its historic updated_at but is new here.
func (q *Queries) TouchTicket(ctx context.Context, id int64, at time.Time) error {
	return q.exec(ctx, "touch ticket", true, `UPDATE tickets SET generated_at = $1 WHERE id = $2`, ts(at), id)
}

// AuditsAfter returns up to limit audits of live and soft-deleted tickets
// created after key, in (created_at, id) order: the ticket event export. A
// purged ticket's audits are gone with it.
func (q *Queries) AuditsAfter(ctx context.Context, key ExportKey, until time.Time, limit int) ([]model.Audit, error) {
	cond, args := afterKey("created_at", "id", key, until)
	args = append(args, limit)
	rows, err := q.q.QueryContext(ctx, auditSelect+` WHERE`+cond+` ORDER BY created_at, id LIMIT $4`, args...)
	if err != nil {
		return nil, q.wrap("export audits", err)
	}
	return q.scanAudits(rows, "export audits")
}

// UsersChangedAfter returns up to limit users updated after key, in
// (updated_at, id) order.
func (q *Queries) UsersChangedAfter(ctx context.Context, key ExportKey, until time.Time, limit int) ([]model.User, error) {
	cond, args := afterKey("updated_at", "id", key, until)
	args = append(args, limit)
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE`+cond+` ORDER BY updated_at, id LIMIT $4`, args...)
}

// WithID is k at the same time with id.
func (k ExportKey) WithID(id int64) ExportKey { return ExportKey{At: k.At, ID: id} }

package store

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// DeletedTickets lists soft-deleted tickets, most recently deleted first unless
// p.AfterID asks for cursor order (by id).
func (q *Queries) DeletedTickets(ctx context.Context, hidden []int64, p Page) ([]model.DeletedTicket, error) {
	hide, args := notInGroups("t.group_id", hidden, nil)
	where, tail, args := p.clause("t.id", args)
	rows, err := q.q.QueryContext(ctx, `SELECT t.id, t.subject, t.description, t.status, COALESCE(t.deleted_by, 0),
		COALESCE(u.name, ''), t.deleted_at FROM tickets t LEFT JOIN users u ON u.id = t.deleted_by
		WHERE t.deleted_at IS NOT NULL`+hide+where+tail, args...)
	if err != nil {
		return nil, q.wrap("list deleted tickets", err)
	}
	defer rows.Close()
	var out []model.DeletedTicket
	for rows.Next() {
		var d model.DeletedTicket
		var at int64
		if err := rows.Scan(&d.ID, &d.Subject, &d.Description, &d.PreviousState, &d.ActorID, &d.ActorName, &at); err != nil {
			return nil, q.wrap("scan deleted ticket", err)
		}
		d.DeletedAt = fromTS(at)
		out = append(out, d)
	}
	return out, q.wrapIf("list deleted tickets", rows.Err())
}

// CountDeletedTickets counts soft-deleted tickets.
func (q *Queries) CountDeletedTickets(ctx context.Context, hidden []int64) (int64, error) {
	hide, args := notInGroups("group_id", hidden, nil)
	return q.count(ctx, "count deleted tickets", `SELECT COUNT(*) FROM tickets WHERE deleted_at IS NOT NULL`+hide, args...)
}

// RestoreTicket undoes a soft delete; model.ErrNotFound when id is not deleted.
// The ticket goes back into the full-text and tag indexes.
func (q *Queries) RestoreTicket(ctx context.Context, id int64, at time.Time) error {
	if err := q.exec(ctx, "restore ticket", true, `UPDATE tickets SET deleted_at = NULL, deleted_by = NULL, updated_at = $1,
		generated_at = $1 WHERE id = $2 AND deleted_at IS NOT NULL`, ts(at), id); err != nil {
		return err
	}
	return q.reindexTicket(ctx, id)
}

// TicketDeleted reports whether ticket id exists (true: soft-deleted, false: live);
// model.ErrNotFound when there is no such row.
func (q *Queries) TicketDeleted(ctx context.Context, id int64) (bool, error) {
	var deleted bool
	err := q.q.QueryRowContext(ctx, `SELECT deleted_at IS NOT NULL FROM tickets WHERE id = $1`, id).Scan(&deleted)
	if err != nil {
		return false, q.wrap("ticket state", err)
	}
	return deleted, nil
}

// PurgeTicket deletes ticket id for good, live or soft-deleted: its row, comments,
// audits, full-text document and idempotency keys, and what its webhook
// deliveries hold of it (PurgeDeliveries). Run DB.Scrub after the commit so freed
// pages are wiped.
func (q *Queries) PurgeTicket(ctx context.Context, id int64) error {
	if err := q.UnindexTicket(ctx, id); err != nil {
		return err
	}
	for _, st := range []struct{ what, sql string }{
		{"purge comments", `DELETE FROM comments WHERE ticket_id = $1`},
		{"purge tags", `DELETE FROM ticket_tags WHERE ticket_id = $1`},
		{"purge audits", `DELETE FROM audits WHERE ticket_id = $1`},
		{"purge idempotency keys", `DELETE FROM idempotency_keys WHERE ticket_id = $1`},
	} {
		if err := q.exec(ctx, st.what, false, st.sql, id); err != nil {
			return err
		}
	}
	if err := q.PurgeDeliveries(ctx, id); err != nil {
		return err
	}
	if err := q.PurgeMail(ctx, id); err != nil {
		return err
	}
	return q.exec(ctx, "purge ticket", true, `DELETE FROM tickets WHERE id = $1`, id)
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// auditSelect reads audits with the id of the comment each one added, if any:
// Zendesk gives a comment and its audit's Comment event one id. The lookup
// goes through comments_ticket (ticket_id, id), a few rows per ticket.
const auditSelect = `SELECT id, ticket_id, author_id, via, events, created_at,
	COALESCE((SELECT MIN(c.id) FROM comments c WHERE c.ticket_id = audits.ticket_id AND c.audit_id = audits.id), 0)
	FROM audits`

// scanAudits reads the rows of an auditSelect query.
func (q *Queries) scanAudits(rows *sql.Rows, what string) ([]model.Audit, error) {
	defer rows.Close()
	var out []model.Audit
	for rows.Next() {
		var a model.Audit
		var events string
		var at int64
		if err := rows.Scan(&a.ID, &a.TicketID, &a.AuthorID, &a.Via, &events, &at, &a.CommentID); err != nil {
			return nil, q.wrap("scan audit", err)
		}
		if err := json.Unmarshal([]byte(events), &a.Events); err != nil {
			return nil, fmt.Errorf("store: decode audit %d: %w", a.ID, err)
		}
		a.CreatedAt = fromTS(at)
		out = append(out, a)
	}
	return out, q.wrapIf(what, rows.Err())
}

// AllAudits lists the audits of live tickets by id after afterID, up to limit:
// GET /api/v2/ticket_audits. A soft-deleted ticket's audits are left out, as
// the ticket is; a purged ticket's are gone with it.
func (q *Queries) AllAudits(ctx context.Context, afterID int64, limit int) ([]model.Audit, error) {
	rows, err := q.q.QueryContext(ctx, auditSelect+` WHERE id > $1 AND EXISTS (SELECT 1 FROM tickets t
		WHERE t.id = audits.ticket_id AND t.deleted_at IS NULL) ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, q.wrap("list all audits", err)
	}
	return q.scanAudits(rows, "list all audits")
}

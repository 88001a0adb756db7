package store

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// CountAudits counts a ticket's audits.
func (q *Queries) CountAudits(ctx context.Context, ticketID int64) (int64, error) {
	return q.count(ctx, "count audits", `SELECT COUNT(*) FROM audits WHERE ticket_id = $1`, ticketID)
}

// Audit loads one audit of a ticket.
func (q *Queries) Audit(ctx context.Context, ticketID, auditID int64) (model.Audit, error) {
	rows, err := q.Audits(ctx, ticketID, Page{Limit: 1, AfterID: auditID - 1})
	if err != nil {
		return model.Audit{}, err
	}
	if len(rows) == 0 || rows[0].ID != auditID {
		return model.Audit{}, fmt.Errorf("store: audit %d of ticket %d: %w", auditID, ticketID, model.ErrNotFound)
	}
	return rows[0], nil
}

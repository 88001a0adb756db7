package store

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

// AuditsOfTickets returns the audits of the given tickets, each ticket's in
// order, in one query (audits_ticket index), for metrics computed from history.
func (q *Queries) AuditsOfTickets(ctx context.Context, ids []int64) (map[int64][]model.Audit, error) {
	out := make(map[int64][]model.Audit, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, nil)
	rows, err := q.q.QueryContext(ctx, auditSelect+` WHERE ticket_id IN (`+in+`) ORDER BY ticket_id, id`, args...)
	if err != nil {
		return nil, q.wrap("audits of tickets", err)
	}
	audits, err := q.scanAudits(rows, "audits of tickets")
	for _, a := range audits {
		out[a.TicketID] = append(out[a.TicketID], a)
	}
	return out, err
}

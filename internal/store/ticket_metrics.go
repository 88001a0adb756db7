package store

import (
	"context"
	"encoding/json"
	"fmt"

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
	rows, err := q.q.QueryContext(ctx, `SELECT id, ticket_id, author_id, via, events, created_at FROM audits
		WHERE ticket_id IN (`+in+`) ORDER BY ticket_id, id`, args...)
	if err != nil {
		return nil, q.wrap("audits of tickets", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a model.Audit
		var events string
		var at int64
		if err := rows.Scan(&a.ID, &a.TicketID, &a.AuthorID, &a.Via, &events, &at); err != nil {
			return nil, q.wrap("scan audit", err)
		}
		if err := json.Unmarshal([]byte(events), &a.Events); err != nil {
			return nil, fmt.Errorf("store: decode audit %d: %w", a.ID, err)
		}
		a.CreatedAt = fromTS(at)
		out[a.TicketID] = append(out[a.TicketID], a)
	}
	return out, q.wrapIf("audits of tickets", rows.Err())
}

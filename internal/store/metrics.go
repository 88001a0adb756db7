package store

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

// Backlog counts the deliveries of one endpoint in one unsettled state.
type Backlog struct {
	Kind        string // webhook | target
	EndpointRef string // the webhook's or target's id, never its URL
	State       string // waiting | pending | retrying
	Count       int64
}

// DeliveryBacklog counts the deliveries not yet settled, by endpoint and state,
// for metrics. It reads the (endpoint_ref, state) index once per webhook and
// target, so its cost follows the backlog, not the whole delivery log.
func (q *Queries) DeliveryBacklog(ctx context.Context) ([]Backlog, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT d.kind, d.endpoint_ref, d.state, COUNT(*)
		FROM (SELECT id AS ref FROM webhooks UNION SELECT CAST(id AS TEXT) FROM targets) e
		JOIN deliveries d ON d.endpoint_ref = e.ref AND d.state IN ($1, $2, $3)
		GROUP BY d.kind, d.endpoint_ref, d.state ORDER BY d.kind, d.endpoint_ref, d.state`,
		model.DeliveryWaiting, model.DeliveryPending, model.DeliveryRetrying)
	if err != nil {
		return nil, q.wrap("delivery backlog", err)
	}
	defer rows.Close()
	var out []Backlog
	for rows.Next() {
		var b Backlog
		if err := rows.Scan(&b.Kind, &b.EndpointRef, &b.State, &b.Count); err != nil {
			return nil, q.wrap("scan delivery backlog", err)
		}
		out = append(out, b)
	}
	return out, q.wrapIf("delivery backlog", rows.Err())
}

// Escalations counts the tickets carrying the in-flight tag: all of them, and
// those with a chain that failed for good (a permanent error or retries
// exhausted, not a delivery settled by a purge), which need an agent's retry.
type Escalations struct {
	InFlight int64
	Failed   int64
}

// EscalationCounts counts the tickets tagged tag (the escalation's in-flight tag)
// and, of them, those with a failed delivery, for metrics.
func (q *Queries) EscalationCounts(ctx context.Context, tag string) (Escalations, error) {
	var e Escalations
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN EXISTS (SELECT 1 FROM deliveries d
		WHERE d.ticket_id = tt.ticket_id AND d.state = $2 AND d.last_error <> $3) THEN 1 END)
		FROM ticket_tags tt WHERE tt.tag = $1`, tag, model.DeliveryFailed, NotSentPurged).Scan(&e.InFlight, &e.Failed)
	if err != nil {
		return e, q.wrap("escalation counts", err)
	}
	return e, nil
}

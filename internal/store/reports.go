package store

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// TicketsWithTag lists live tickets carrying tag, created in [from, to).
func (q *Queries) TicketsWithTag(ctx context.Context, tag string, from, to time.Time) ([]model.Ticket, error) {
	// Tags are stored space-separated; padding both sides makes the match exact.
	return q.tickets(ctx, `SELECT `+ticketCols+` FROM tickets WHERE deleted_at IS NULL
		AND (' ' || tags || ' ') LIKE $1 ESCAPE '\' AND created_at >= $2 AND created_at < $3 ORDER BY id`,
		"% "+escapeLike(tag)+" %", ts(from), ts(to))
}

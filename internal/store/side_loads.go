package store

import "context"

// CommentCounts counts the comments of each given ticket in one query
// (comments_ticket index); a ticket without comments is left out.
func (q *Queries) CommentCounts(ctx context.Context, ticketIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ticketIDs))
	if len(ticketIDs) == 0 {
		return out, nil
	}
	in, args := inList(ticketIDs, nil)
	rows, err := q.q.QueryContext(ctx, `SELECT ticket_id, COUNT(*) FROM comments WHERE ticket_id IN (`+in+`) GROUP BY ticket_id`, args...)
	if err != nil {
		return nil, q.wrap("count comments", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, q.wrap("scan comment count", err)
		}
		out[id] = n
	}
	return out, q.wrapIf("count comments", rows.Err())
}

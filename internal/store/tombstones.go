package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AddTombstone records that ticket id was purged at at.
func (q *Queries) AddTombstone(ctx context.Context, id int64, at time.Time) error {
	return q.exec(ctx, "add tombstone", false, `INSERT INTO tombstones (id, purged_at) VALUES ($1, $2)
		ON CONFLICT (id) DO NOTHING`, id, ts(at))
}

// Tombstone returns when ticket id was purged, or model.ErrNotFound.
func (q *Queries) Tombstone(ctx context.Context, id int64) (time.Time, error) {
	var at int64
	if err := q.q.QueryRowContext(ctx, `SELECT purged_at FROM tombstones WHERE id = $1`, id).Scan(&at); err != nil {
		return time.Time{}, q.wrap("tombstone", err)
	}
	return fromTS(at), nil
}

// TicketIDsByFieldValue lists live tickets whose custom field fieldID is exactly value.
func (q *Queries) TicketIDsByFieldValue(ctx context.Context, fieldID int64, value string) ([]int64, error) {
	v, _ := json.Marshal(value) // a string always marshals
	needle := fmt.Sprintf(`%%{"id":%d,"value":%s}%%`, fieldID, escapeLike(string(v)))
	return q.ids(ctx, "tickets by field value", `SELECT id FROM tickets WHERE custom_fields LIKE $1 ESCAPE '\'
		AND deleted_at IS NULL ORDER BY id`, needle)
}

// TicketHasTag reports whether ticket id, live or soft-deleted, carries tag.
func (q *Queries) TicketHasTag(ctx context.Context, id int64, tag string) (bool, error) {
	n, err := q.count(ctx, "ticket has tag", `SELECT COUNT(*) FROM tickets WHERE id = $1
		AND (' ' || tags || ' ') LIKE $2 ESCAPE '\'`, id, "% "+escapeLike(tag)+" %")
	return n > 0, err
}

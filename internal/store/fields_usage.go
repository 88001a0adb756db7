package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// FieldUseCount counts the live tickets with a value for field id (and, when value
// is not empty, that exact value), so a delete can say how many it would orphan.
func (q *Queries) FieldUseCount(ctx context.Context, id int64, value string) (int64, error) {
	needle := fmt.Sprintf(`%%{"id":%d,"value":%%`, id)
	if value != "" {
		v, _ := json.Marshal(value) // a string always marshals
		needle = fmt.Sprintf(`%%{"id":%d,"value":%s}%%`, id, escapeLike(string(v)))
	}
	return q.count(ctx, "field use count", `SELECT COUNT(*) FROM tickets WHERE custom_fields LIKE $1 ESCAPE '\'
		AND deleted_at IS NULL`, needle)
}

// FormUseCount counts the live tickets that use ticket form id.
func (q *Queries) FormUseCount(ctx context.Context, id int64) (int64, error) {
	return q.count(ctx, "form use count", `SELECT COUNT(*) FROM tickets WHERE ticket_form_id = $1 AND deleted_at IS NULL`, id)
}

// ClearDefaultForm makes every form but keep non-default.
func (q *Queries) ClearDefaultForm(ctx context.Context, keep int64) error {
	return q.exec(ctx, "clear default form", false, `UPDATE ticket_forms SET is_default = FALSE WHERE id <> $1`, keep)
}

package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// UsersByExternalIDs loads the users with these external ids, in any order.
func (q *Queries) UsersByExternalIDs(ctx context.Context, ext []string) ([]model.User, error) {
	if len(ext) == 0 {
		return nil, nil
	}
	var b strings.Builder
	args := make([]any, 0, len(ext))
	for i, e := range ext {
		if i > 0 {
			b.WriteByte(',')
		}
		args = append(args, e)
		b.WriteString("$")
		b.WriteString(strconv.Itoa(len(args)))
	}
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE external_id <> '' AND external_id IN (`+b.String()+`)`, args...)
}

// AutocompleteUsers lists up to limit users whose name starts with prefix
// (case-insensitive), by name.
func (q *Queries) AutocompleteUsers(ctx context.Context, prefix string, limit int) ([]model.User, error) {
	like := escapeLike(strings.ToLower(prefix)) + "%"
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE LOWER(name) LIKE $1 ESCAPE '\'
		ORDER BY LOWER(name), id LIMIT $2`, like, limit)
}

// SoftDeleteUser marks user id deleted and inactive; model.ErrNotFound when there
// is no such live user. Their tickets, comments and memberships are kept, as
// Zendesk keeps a deleted user's tickets.
func (q *Queries) SoftDeleteUser(ctx context.Context, id int64, at time.Time) error {
	return q.exec(ctx, "delete user", true, `UPDATE users SET deleted_at = $1, active = FALSE, updated_at = $1
		WHERE id = $2 AND deleted_at IS NULL`, ts(at), id)
}

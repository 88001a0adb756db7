package store

import (
	"context"
	"time"
)

// APIToken is a stored API token: its owner and creation time. The token itself is
// never stored, only its digest, which is not read back either.
type APIToken struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
}

// maxTokenList bounds a token listing; an instance has a handful per integration.
const maxTokenList = 10000

// ListTokens returns every API token, oldest first.
func (q *Queries) ListTokens(ctx context.Context) ([]APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, user_id, created_at FROM api_tokens ORDER BY id LIMIT $1`, maxTokenList)
	if err != nil {
		return nil, q.wrap("list tokens", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, q.wrap("scan token", err)
		}
		out = append(out, t)
	}
	return out, q.wrapIf("list tokens", rows.Err())
}

// Token returns the API token with id.
func (q *Queries) Token(ctx context.Context, id int64) (APIToken, error) {
	t, err := scanToken(q.q.QueryRowContext(ctx, `SELECT id, user_id, created_at FROM api_tokens WHERE id = $1`, id))
	if err != nil {
		return t, q.wrap("get token", err)
	}
	return t, nil
}

// DeleteToken revokes the API token with id; an unknown id is model.ErrNotFound.
func (q *Queries) DeleteToken(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete token", true, `DELETE FROM api_tokens WHERE id = $1`, id)
}

func scanToken(r interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var at int64
	err := r.Scan(&t.ID, &t.UserID, &at)
	// CreateToken stores whole seconds.
	t.CreatedAt = time.Unix(at, 0).UTC()
	return t, err
}

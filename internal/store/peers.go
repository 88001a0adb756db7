package store

import "context"

// DeleteUserTokens revokes every API token of user.
func (q *Queries) DeleteUserTokens(ctx context.Context, userID int64) error {
	return q.exec(ctx, "delete user tokens", false, `DELETE FROM api_tokens WHERE user_id = $1`, userID)
}

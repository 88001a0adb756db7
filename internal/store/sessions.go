package store

import (
	"context"
	"time"
)

// WebSession is a signed-in agent's browser session. The row is keyed by the
// SHA-256 digest of the id the browser holds; the id itself is never stored.
type WebSession struct {
	UserID int64
	// CSRFToken is echoed by every form of the session and compared on each POST.
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateWebSession stores a session under digest.
func (q *Queries) CreateWebSession(ctx context.Context, digest string, s WebSession) error {
	return q.exec(ctx, "create web session", false, `INSERT INTO web_sessions (digest, user_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, digest, s.UserID, s.CSRFToken, ts(s.CreatedAt), ts(s.ExpiresAt))
}

// WebSessionByDigest loads the session with this digest that is still valid at now;
// an unknown or expired session is model.ErrNotFound.
func (q *Queries) WebSessionByDigest(ctx context.Context, digest string, now time.Time) (WebSession, error) {
	var s WebSession
	var created, expires int64
	err := q.q.QueryRowContext(ctx, `SELECT user_id, csrf_token, created_at, expires_at FROM web_sessions
		WHERE digest = $1 AND expires_at > $2`, digest, ts(now)).Scan(&s.UserID, &s.CSRFToken, &created, &expires)
	if err != nil {
		return s, q.wrap("get web session", err)
	}
	s.CreatedAt, s.ExpiresAt = fromTS(created), fromTS(expires)
	return s, nil
}

// ExtendWebSession moves a session's expiry.
func (q *Queries) ExtendWebSession(ctx context.Context, digest string, expires time.Time) error {
	return q.exec(ctx, "extend web session", true, `UPDATE web_sessions SET expires_at = $1 WHERE digest = $2`, ts(expires), digest)
}

// DeleteWebSession ends one session; deleting an unknown one is not an error.
func (q *Queries) DeleteWebSession(ctx context.Context, digest string) error {
	return q.exec(ctx, "delete web session", false, `DELETE FROM web_sessions WHERE digest = $1`, digest)
}

// DeleteUserWebSessions ends every session of a user, e.g. after a password change.
func (q *Queries) DeleteUserWebSessions(ctx context.Context, userID int64) error {
	return q.exec(ctx, "delete user web sessions", false, `DELETE FROM web_sessions WHERE user_id = $1`, userID)
}

// DeleteExpiredWebSessions removes sessions that expired before now.
func (q *Queries) DeleteExpiredWebSessions(ctx context.Context, now time.Time) error {
	return q.exec(ctx, "delete expired web sessions", false, `DELETE FROM web_sessions WHERE expires_at <= $1`, ts(now))
}

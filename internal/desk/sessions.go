package desk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// SessionTTL is how long an idle web session stays valid. Each use past half of it
// slides the expiry forward, so an agent working all day is not logged out while a
// forgotten browser is after half a day.
const SessionTTL = 12 * time.Hour

// WebSession is a signed-in agent as the web UI sees it.
type WebSession struct {
	// Token is the random session id the browser holds (set only by Login).
	Token string
	// CSRF is the session's anti-forgery token, echoed by every form.
	CSRF      string
	User      model.User
	ExpiresAt time.Time
}

// randomToken returns 32 random bytes, URL-safe base64 encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("desk: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Login checks email and password (bcrypt, once) and opens a web session for an
// active agent or admin. Every refusal is model.ErrForbidden, so the caller can't
// tell an unknown email from a wrong password or an end user.
func (s *Service) Login(ctx context.Context, email, password string) (WebSession, error) {
	u, err := s.CheckPassword(ctx, email, password)
	if err != nil {
		return WebSession{}, err
	}
	if !u.Role.IsStaff() {
		return WebSession{}, model.ErrForbidden
	}
	token, err := randomToken()
	if err != nil {
		return WebSession{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return WebSession{}, err
	}
	now := s.clock()
	row := store.WebSession{UserID: u.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteExpiredWebSessions(ctx, now); err != nil {
			return err
		}
		return tx.CreateWebSession(ctx, TokenDigest(token), row)
	})
	if err != nil {
		return WebSession{}, err
	}
	return WebSession{Token: token, CSRF: csrf, User: u, ExpiresAt: row.ExpiresAt}, nil
}

// Session resolves a browser's session token. An unknown or expired token is
// model.ErrNotFound; a suspended or demoted user is model.ErrForbidden.
func (s *Service) Session(ctx context.Context, token string) (WebSession, error) {
	now := s.clock()
	digest := TokenDigest(token)
	row, err := s.db.Read().WebSessionByDigest(ctx, digest, now)
	if err != nil {
		return WebSession{}, err
	}
	u, err := s.db.Read().User(ctx, row.UserID)
	if err != nil {
		return WebSession{}, err
	}
	if !u.Active || !u.Role.IsStaff() {
		return WebSession{}, fmt.Errorf("desk: session of user %d: %w", u.ID, model.ErrForbidden)
	}
	if row.ExpiresAt.Sub(now) < SessionTTL/2 {
		row.ExpiresAt = now.Add(SessionTTL)
		err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.ExtendWebSession(ctx, digest, row.ExpiresAt) })
		if err != nil {
			return WebSession{}, err
		}
	}
	return WebSession{CSRF: row.CSRFToken, User: u, ExpiresAt: row.ExpiresAt}, nil
}

// Logout ends the session holding token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteWebSession(ctx, TokenDigest(token)) })
}

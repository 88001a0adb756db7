package desk

import (
	"context"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// minPasswordLen is the shortest password accepted for the web UI.
const minPasswordLen = 10

// SetPassword sets the web UI password of the user with email and ends their web
// sessions, so a password reset locks out whoever held the old one.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	if len(password) < minPasswordLen {
		return model.Invalid("password", "TooShort", "Password: must be at least %d characters", minPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("desk: hash password: %w", err)
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if err := tx.DeleteUserWebSessions(ctx, u.ID); err != nil {
			return err
		}
		return tx.SetPassword(ctx, u.ID, string(hash))
	})
}

// CheckPassword returns the user when email and password match an active staff
// member; every failure is the same model.ErrForbidden so callers can't tell
// unknown emails from wrong passwords.
func (s *Service) CheckPassword(ctx context.Context, email, password string) (model.User, error) {
	u, err := s.db.Read().UserByEmail(ctx, email)
	if err != nil {
		// Spend the same time as a real check, so timing doesn't reveal the account.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return model.User{}, model.ErrForbidden
	}
	hash, err := s.db.Read().PasswordHash(ctx, u.ID)
	if err != nil || hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || !u.Active {
		return model.User{}, model.ErrForbidden
	}
	return u, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("twindesk-timing-equaliser"), bcrypt.DefaultCost)

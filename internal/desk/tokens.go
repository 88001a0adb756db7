package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// APIToken is an API token as admins see it: never the token, which is stored
// only as a digest.
type APIToken struct {
	store.APIToken
	// UserEmail is the owner's email, for telling tokens apart.
	UserEmail string
}

// ListTokens returns every API token with its owner. Admins only.
func (s *Service) ListTokens(ctx context.Context, actor model.User) ([]APIToken, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	read := s.db.Read()
	rows, err := read.ListTokens(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]APIToken, len(rows))
	emails := map[int64]string{}
	for i, t := range rows {
		if _, ok := emails[t.UserID]; !ok {
			u, err := read.User(ctx, t.UserID)
			if err != nil {
				return nil, fmt.Errorf("desk: owner of token %d: %w", t.ID, err)
			}
			emails[t.UserID] = u.Email
		}
		out[i] = APIToken{APIToken: t, UserEmail: emails[t.UserID]}
	}
	return out, nil
}

// Token returns one API token. Admins only.
func (s *Service) Token(ctx context.Context, actor model.User, id int64) (APIToken, error) {
	if err := requireAdmin(actor); err != nil {
		return APIToken{}, err
	}
	t, err := s.db.Read().Token(ctx, id)
	if err != nil {
		return APIToken{}, err
	}
	u, err := s.db.Read().User(ctx, t.UserID)
	if err != nil {
		return APIToken{}, fmt.Errorf("desk: owner of token %d: %w", id, err)
	}
	return APIToken{APIToken: t, UserEmail: u.Email}, nil
}

// RevokeToken deletes an API token. Admins only. The auth cache is cleared, so
// the token stops working on this node at once; other nodes (and a server when the
// CLI revokes) stop accepting it within authTTL.
func (s *Service) RevokeToken(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteToken(ctx, id) })
	s.auth.clear()
	return err
}

package desk

import (
	"context"
	"regexp"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// The peer identity: a user with model.RolePeer and its API token.

// peerNameRE is what a peer identity may be called (it becomes its email's local part).
var peerNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

// IssuePeerToken creates the peer identity name (lower-case letters, digits and
// dashes) if it doesn't exist, revokes its earlier tokens and returns a new one.
// Admins only: it is how `twindesk escalation setup` gives each instance a
// credential for the other that can make only the recipe's calls.
func (s *Service) IssuePeerToken(ctx context.Context, actor model.User, name string) (model.User, string, error) {
	if err := requireAdmin(actor); err != nil {
		return model.User{}, "", err
	}
	if !peerNameRE.MatchString(name) {
		return model.User{}, "", model.Invalid("name", "InvalidValue", "Name: %q must be lower-case letters, digits and dashes", name)
	}
	token, digest, err := newToken()
	if err != nil {
		return model.User{}, "", err
	}
	var u model.User
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err = tx.UserByEmail(ctx, peer.Email(name))
		if isNotFound(err) {
			now := s.clock()
			u = model.User{Name: "Peer instance (" + name + ")", Email: peer.Email(name), Role: model.RolePeer, Active: true, CreatedAt: now, UpdatedAt: now}
			u.ID, err = tx.CreateUser(ctx, u)
		}
		if err != nil {
			return err
		}
		if u.Role != model.RolePeer {
			return model.Invalid("name", "InvalidValue", "Name: %s belongs to a %s, not a peer identity", u.Email, u.Role)
		}
		if err := tx.DeleteUserTokens(ctx, u.ID); err != nil {
			return err
		}
		return tx.CreateToken(ctx, u.ID, digest, s.clock().Unix())
	})
	if err == nil {
		s.auth.clear() // the revoked tokens must stop working now, not in authTTL
	}
	return u, token, err
}

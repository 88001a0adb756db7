package desk

import (
	"time"

	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// UserInput is a create or update of a user; nil fields are left alone.
type UserInput struct {
	Name       *string
	Email      *string
	Role       *string
	ExternalID *string
	Active     *bool
	// OrganizationID, when set, makes that organization the user's default
	// (0: the user leaves their default organization). Staff only.
	OrganizationID *int64
	// TimeZone is an IANA zone name; "" goes back to the instance's default.
	TimeZone *string
	// Profile is staff's: notes, details, tags, user_fields values.
	Profile ProfileInput
}

func validEmail(e string) bool {
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && !strings.ContainsAny(e, " <>")
}

func (in UserInput) apply(u *model.User, v *model.ValidationError) {
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Email != nil {
		u.Email = strings.ToLower(strings.TrimSpace(*in.Email))
	}
	if in.Role != nil {
		u.Role = model.Role(*in.Role)
	}
	if in.ExternalID != nil {
		u.ExternalID = *in.ExternalID
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	if in.TimeZone != nil {
		u.TimeZone = strings.TrimSpace(*in.TimeZone)
		if !ValidTimeZone(u.TimeZone) {
			v.Add("time_zone", "InvalidValue", "Time zone: %q is not a known time zone (an IANA name such as Europe/Berlin)", u.TimeZone)
		}
	}
	if u.Name == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	}
	if u.Email == "" || !validEmail(u.Email) {
		v.Add("email", "InvalidValue", "Email: %q is not a valid email address", u.Email)
	}
	if !u.Role.Valid() {
		v.Add("role", "InvalidValue", "Role: must be end-user, agent or admin")
	}
	in.Profile.apply(u, v)
}

// CreateUser creates a user. Only admins create agents and admins; agents may create
// end users.
func (s *Service) CreateUser(ctx context.Context, actor model.User, in UserInput) (model.User, error) {
	u := model.User{Role: model.RoleEndUser, Active: true}
	if err := s.checkUserInput(actor, in, &u); err != nil {
		return u, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = s.insertUser(ctx, tx, u); err != nil {
			return err
		}
		if err := s.saveProfileExtras(ctx, tx, &u, in.Profile); err != nil {
			return err
		}
		return s.setUserOrganization(ctx, tx, actor, &u, in.OrganizationID)
	})
	return u, err
}

// BootstrapUser creates a user without an acting user; it is what the admin CLI
// uses to make the first admin.
func (s *Service) BootstrapUser(ctx context.Context, in UserInput) (model.User, error) {
	return s.CreateUser(ctx, model.User{Role: model.RoleAdmin}, in)
}

func (s *Service) checkUserInput(actor model.User, in UserInput, u *model.User) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	v := &model.ValidationError{}
	in.apply(u, v)
	if u.Role != model.RoleEndUser && actor.Role != model.RoleAdmin {
		return fmt.Errorf("desk: only admins grant the %s role: %w", u.Role, model.ErrForbidden)
	}
	return v.OrNil()
}

func (s *Service) insertUser(ctx context.Context, tx *store.Tx, u model.User) (model.User, error) {
	now := s.clock()
	u.CreatedAt, u.UpdatedAt = now, now
	id, err := tx.CreateUser(ctx, u)
	if errors.Is(err, model.ErrConflict) {
		return u, model.Invalid("email", "DuplicateValue", "Email: %s is already being used by another user", u.Email)
	}
	if err != nil {
		return u, err
	}
	u.ID = id
	return u, nil
}

// UpdateUser changes a user. Users may update their own name; role changes and
// changes to other staff need an admin.
func (s *Service) UpdateUser(ctx context.Context, actor model.User, id int64, in UserInput) (model.User, error) {
	var u model.User
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		if u.Deleted {
			// Reactivating would let a deleted user sign in again.
			return model.Invalid("user", "InvalidValue", "user %d is deleted", id)
		}
		if u.Role == model.RolePeer {
			if err := peerUserChange(actor, &u, in); err != nil {
				return err
			}
			u.UpdatedAt = s.clock()
			return tx.UpdateUser(ctx, u)
		}
		if actor.ID != u.ID && (u.Role.IsStaff() || in.Role != nil) {
			if err := requireAdmin(actor); err != nil {
				return err
			}
		}
		if actor.ID == u.ID && in.Role != nil && model.Role(*in.Role) != u.Role {
			if err := requireAdmin(actor); err != nil {
				return err
			}
		}
		if err := requireStaffOrSelf(actor, u); err != nil {
			return err
		}
		before := u
		v := &model.ValidationError{}
		in.apply(&u, v)
		if err := v.OrNil(); err != nil {
			return err
		}
		if err := checkIdentityChange(actor, before, u); err != nil {
			return err
		}
		if err := checkProfileActor(actor, in.Profile); err != nil {
			return err
		}
		u.UpdatedAt = s.clock()
		err = tx.UpdateUser(ctx, u)
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("email", "DuplicateValue", "Email: %s is already being used by another user", u.Email)
		}
		if err != nil {
			return err
		}
		if err := s.saveProfileExtras(ctx, tx, &u, in.Profile); err != nil {
			return err
		}
		if err := s.setUserOrganization(ctx, tx, actor, &u, in.OrganizationID); err != nil {
			return err
		}
		return endSessionsOnSuspension(ctx, tx, before, u)
	})
	s.auth.clear()
	return u, err
}

// checkIdentityChange keeps end users from changing who they are. An end user who
// could set their own email to an unregistered address would be handed every
// ticket later filed from it; the external id and the active flag are identity
// too. Staff change them.
func checkIdentityChange(actor, before, after model.User) error {
	if actor.Role.IsStaff() {
		return nil
	}
	if before.Email != after.Email || before.ExternalID != after.ExternalID || before.Role != after.Role || before.Active != after.Active {
		return fmt.Errorf("desk: only agents change a user's email, external id, role or suspension: %w", model.ErrForbidden)
	}
	return nil
}

// endSessionsOnSuspension ends every web session of a user being suspended, so a
// later reactivation can't bring them back. A reactivation ends them too: sessions
// of a suspension older than this rule must not come back either. API tokens are
// refused while suspended by Authenticate (and the cache is cleared by the caller).
func endSessionsOnSuspension(ctx context.Context, tx *store.Tx, before, after model.User) error {
	if before.Active == after.Active && after.Active {
		return nil
	}
	if err := tx.DeleteUserWebSessions(ctx, after.ID); err != nil {
		return fmt.Errorf("desk: end sessions of suspended user %d: %w", after.ID, err)
	}
	return nil
}

func requireStaffOrSelf(actor, u model.User) error {
	if actor.ID == u.ID {
		return nil
	}
	return requireStaff(actor)
}

// CreateOrUpdateUser matches an existing user by email, then external id, and
// updates it; otherwise it creates one. created reports which happened.
func (s *Service) CreateOrUpdateUser(ctx context.Context, actor model.User, in UserInput) (u model.User, created bool, err error) {
	var existing model.User
	err = nil
	found := false
	if in.Email != nil {
		existing, err = s.db.Read().UserByEmail(ctx, *in.Email)
		found = err == nil
	}
	if !found && in.ExternalID != nil && *in.ExternalID != "" {
		existing, err = s.db.Read().UserByExternalID(ctx, *in.ExternalID)
		found = err == nil
	}
	if err != nil && !isNotFound(err) {
		return u, false, err
	}
	if found {
		u, err = s.UpdateUser(ctx, actor, existing.ID, in)
		return u, false, err
	}
	u, err = s.CreateUser(ctx, actor, in)
	return u, err == nil, err
}

// User loads a user; end users may only see themselves.
func (s *Service) User(ctx context.Context, actor model.User, id int64) (model.User, error) {
	u, err := s.db.Read().User(ctx, id)
	if err != nil {
		return u, err
	}
	return u, requireStaffOrSelf(actor, u)
}

// findOrCreateRequester resolves a requester given by email (and name) inside tx,
// creating an end user for an unknown email as Zendesk does.
func (s *Service) findOrCreateRequester(ctx context.Context, tx *store.Tx, email, name string) (model.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !validEmail(email) {
		return model.User{}, model.Invalid("requester", "InvalidValue", "Requester: Email: %q is not a valid email address", email)
	}
	u, err := tx.UserByEmail(ctx, email)
	if err == nil || !isNotFound(err) {
		return u, err
	}
	if name = strings.TrimSpace(name); name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	// Not insertUser: another request may create the same requester concurrently,
	// and a failed INSERT would abort this transaction on PostgreSQL.
	now := s.clock()
	return tx.FindOrCreateUser(ctx, model.User{Name: name, Email: email, Role: model.RoleEndUser, Active: true, CreatedAt: now, UpdatedAt: now})
}

// TokenDigest is the stored form of an API token: hex SHA-256. Tokens are 32 random
// bytes, so a fast hash is enough (see DESIGN section 10).
func TokenDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues an API token for the user with email and returns it; only its
// digest is stored, so this is the only time it can be read.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	token, digest, err := newToken()
	if err != nil {
		return "", err
	}
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return fmt.Errorf("desk: token for %s: %w", email, err)
		}
		return tx.CreateToken(ctx, u.ID, digest, s.clock().Unix())
	})
	return token, err
}

// newToken returns a new API token (32 random bytes) and its digest.
func newToken() (token, digest string, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", "", fmt.Errorf("desk: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, TokenDigest(token), nil
}

// Authenticate returns the active user owning token.
// Recently checked tokens are served from memory (authCache).
func (s *Service) Authenticate(ctx context.Context, token string) (model.User, error) {
	digest, now := TokenDigest(token), time.Now()
	if u, ok := s.auth.get(digest, now); ok {
		return u, nil
	}
	gen := s.auth.generation()
	u, err := s.db.Read().UserByTokenDigest(ctx, digest)
	if err != nil {
		return u, err
	}
	if !u.Active {
		return u, fmt.Errorf("desk: user %d is suspended: %w", u.ID, model.ErrForbidden)
	}
	s.auth.put(digest, u, now, gen)
	return u, nil
}

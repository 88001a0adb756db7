package desk

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/crypto/bcrypt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// AgentInput is an admin's invitation of an agent, or a change of an agent's role
// and groups, as the web UI's admin pages submit it.
type AgentInput struct {
	Name  string
	Email string
	// Role is agent or admin.
	Role string
	// GroupIDs are every group the agent belongs to afterwards; the first is the
	// default group.
	GroupIDs []int64
	// Password, when not empty, is set as the agent's web UI password (invite only).
	Password string
}

// InviteAgent creates an agent or admin with their group memberships and, when
// given, a password, in one transaction. Admins only.
func (s *Service) InviteAgent(ctx context.Context, actor model.User, in AgentInput) (model.User, error) {
	u := model.User{Active: true}
	if err := requireAdmin(actor); err != nil {
		return u, err
	}
	v := &model.ValidationError{}
	UserInput{Name: &in.Name, Email: &in.Email, Role: &in.Role}.apply(&u, v)
	checkStaffRole(u.Role, v)
	hash, err := passwordHash(in.Password, v)
	if err != nil {
		return u, err
	}
	if err := v.OrNil(); err != nil {
		return u, err
	}
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if u, err = s.insertUser(ctx, tx, u); err != nil {
			return err
		}
		if hash != "" {
			if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
				return err
			}
		}
		return s.syncGroups(ctx, tx, u.ID, in.GroupIDs)
	})
	s.auth.clear()
	return u, err
}

// SetAgentAccess changes an agent's role and group memberships in one transaction.
// Admins only; an admin can't demote themselves (someone must stay admin).
func (s *Service) SetAgentAccess(ctx context.Context, actor model.User, id int64, in AgentInput) (model.User, error) {
	var u model.User
	if err := requireAdmin(actor); err != nil {
		return u, err
	}
	v := &model.ValidationError{}
	checkStaffRole(model.Role(in.Role), v)
	if actor.ID == id && in.Role != string(model.RoleAdmin) {
		v.Add("role", "InvalidValue", "Role: you can't remove your own admin role")
	}
	if err := v.OrNil(); err != nil {
		return u, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		if !u.Role.IsStaff() {
			return model.Invalid("role", "InvalidValue", "Role: %s is an end user, not an agent", u.Email)
		}
		u.Role, u.UpdatedAt = model.Role(in.Role), s.clock()
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.syncGroups(ctx, tx, u.ID, in.GroupIDs)
	})
	s.auth.clear()
	return u, err
}

func checkStaffRole(r model.Role, v *model.ValidationError) {
	if !r.IsStaff() {
		v.Add("role", "InvalidValue", "Role: must be agent or admin")
	}
}

// passwordHash hashes an optional password; "" stays "".
func passwordHash(pw string, v *model.ValidationError) (string, error) {
	if pw == "" {
		return "", nil
	}
	if len(pw) < minPasswordLen {
		v.Add("password", "TooShort", "Password: must be at least %d characters", minPasswordLen)
		return "", nil
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("desk: hash password: %w", err)
	}
	return string(h), nil
}

// syncGroups makes user's memberships exactly groupIDs. When the default
// membership is dropped, all are recreated so the first group becomes default.
func (s *Service) syncGroups(ctx context.Context, tx *store.Tx, userID int64, groupIDs []int64) error {
	current, err := tx.Memberships(ctx, userID, 0, store.Page{Limit: 10000})
	if err != nil {
		return err
	}
	keepDefault := slices.ContainsFunc(current, func(m model.GroupMembership) bool { return m.Default && slices.Contains(groupIDs, m.GroupID) })
	have := map[int64]bool{}
	for _, m := range current {
		if keepDefault && slices.Contains(groupIDs, m.GroupID) {
			have[m.GroupID] = true
			continue
		}
		if err := tx.DeleteMembership(ctx, m.ID); err != nil {
			return err
		}
	}
	now := s.clock()
	for i, gid := range groupIDs {
		if have[gid] {
			continue
		}
		have[gid] = true
		if _, err := tx.Group(ctx, gid); isNotFound(err) {
			return model.Invalid("group_ids", "InvalidValue", "Group: %d does not exist", gid)
		} else if err != nil {
			return err
		}
		m := model.GroupMembership{UserID: userID, GroupID: gid, Default: i == 0 && !keepDefault, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.CreateMembership(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

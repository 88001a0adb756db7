package desk

import (
	"context"
	"errors"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// GroupInput is a create or update of a group.
type GroupInput struct {
	Name        *string
	Description *string
	// Public is Zendesk's is_public: false makes the group private
	// (private_groups.go). As in Zendesk, a private group can't be made public
	// again: its tickets were kept from outsiders on that promise.
	Public *bool
}

// SaveGroup creates a group (id 0) or updates one. Admins only.
func (s *Service) SaveGroup(ctx context.Context, actor model.User, id int64, in GroupInput) (model.Group, error) {
	var g model.Group
	if err := requireAdmin(actor); err != nil {
		return g, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if id != 0 {
			if g, err = tx.Group(ctx, id); err != nil {
				return err
			}
		}
		if in.Name != nil {
			g.Name = strings.TrimSpace(*in.Name)
		}
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.Public != nil {
			if *in.Public && g.Private {
				return model.Invalid("is_public", "InvalidValue", "Is public: a private group can't be made public")
			}
			g.Private = !*in.Public
		}
		if g.Name == "" {
			return model.Invalid("name", "BlankValue", "Name: cannot be blank")
		}
		g.UpdatedAt = s.clock()
		if id == 0 {
			g.CreatedAt = g.UpdatedAt
			g.ID, err = tx.CreateGroup(ctx, g)
		} else {
			err = tx.UpdateGroup(ctx, g)
		}
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("name", "DuplicateValue", "Name: %s has already been taken", g.Name)
		}
		return err
	})
	return g, err
}

// DeleteGroup removes a group. Admins only.
func (s *Service) DeleteGroup(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteGroup(ctx, id) })
}

// AddMembership puts an agent in a group. Admins only; end users can't join groups.
func (s *Service) AddMembership(ctx context.Context, actor model.User, m model.GroupMembership) (model.GroupMembership, error) {
	if err := requireAdmin(actor); err != nil {
		return m, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, m.UserID)
		if isNotFound(err) {
			return model.Invalid("user_id", "InvalidValue", "User: %d does not exist", m.UserID)
		}
		if err != nil {
			return err
		}
		if !u.Role.IsStaff() {
			return model.Invalid("user_id", "InvalidValue", "User: %d is an end user and can't be a group member", m.UserID)
		}
		if _, err := tx.Group(ctx, m.GroupID); isNotFound(err) {
			return model.Invalid("group_id", "InvalidValue", "Group: %d does not exist", m.GroupID)
		} else if err != nil {
			return err
		}
		if !m.Default && u.DefaultGroupID == 0 {
			m.Default = true // an agent's first group is their default, as in Zendesk
		}
		m.CreatedAt, m.UpdatedAt = s.clock(), s.clock()
		m.ID, err = tx.CreateMembership(ctx, m)
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("user_id", "DuplicateValue", "User: %d is already a member of group %d", m.UserID, m.GroupID)
		}
		return err
	})
	return m, err
}

// DeleteMembership removes a membership. Admins only.
func (s *Service) DeleteMembership(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteMembership(ctx, id) })
}

package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Who may use and change macros and views, as in Zendesk: a rule with no
// restriction is every agent's, a "Group" one is for the agents of its groups, a
// "User" one is its owner's personal rule. Every agent uses what is visible to
// them; an agent changes only their own personal rules (a new one without a
// restriction becomes theirs); admins change any and see every shared one, but
// not other agents' personal rules, which stay private as in Zendesk.

// ruleAccess is what a visibility check needs to know about the actor.
type ruleAccess struct {
	actor  model.User
	groups []int64
}

func (s *Service) ruleAccess(ctx context.Context, actor model.User) (ruleAccess, error) {
	if err := requireStaff(actor); err != nil {
		return ruleAccess{}, err
	}
	groups, err := s.db.Read().GroupIDsOf(ctx, actor.ID)
	return ruleAccess{actor: actor, groups: groups}, err
}

// visible reports whether the actor may see and use a rule restricted by r.
func (a ruleAccess) visible(r *model.Restriction) bool {
	switch {
	case r == nil:
		return true
	case r.Personal():
		return slices.Contains(r.IDs, a.actor.ID)
	case a.actor.Role == model.RoleAdmin:
		return true
	}
	for _, g := range r.IDs {
		if slices.Contains(a.groups, g) {
			return true
		}
	}
	return false
}

// matchesAccess implements the list filter "access": personal (the actor's own),
// shared (everyone's or a group's) or account/"" (both).
func matchesAccess(r *model.Restriction, access string) bool {
	switch access {
	case "personal":
		return r.Personal()
	case "shared":
		return !r.Personal()
	}
	return true
}

// mayChange returns ErrForbidden unless actor may store a rule that was
// restricted by old (nil for a new rule) and will be restricted by r.
func mayChange(actor model.User, old, r *model.Restriction, oldExists bool) error {
	if actor.Role == model.RoleAdmin {
		return nil
	}
	own := func(r *model.Restriction) bool { return r.Personal() && slices.Equal(r.IDs, []int64{actor.ID}) }
	if (oldExists && !own(old)) || !own(r) {
		return fmt.Errorf("desk: agents change only their own personal macros and views: %w", model.ErrForbidden)
	}
	return nil
}

// checkRestriction validates r against the users and groups it names.
func checkRestriction(ctx context.Context, q *store.Queries, r *model.Restriction) error {
	if r == nil {
		return nil
	}
	switch r.Type {
	case model.RestrictUser:
		if len(r.IDs) != 1 {
			return model.Invalid("restriction", "InvalidValue", "Restriction: a User restriction names exactly one agent")
		}
		u, err := q.User(ctx, r.IDs[0])
		if isNotFound(err) || err == nil && !u.Role.IsStaff() {
			return model.Invalid("restriction", "InvalidValue", "Restriction: user %d is not an agent", r.IDs[0])
		}
		return err
	case model.RestrictGroup:
		if len(r.IDs) == 0 {
			return model.Invalid("restriction", "InvalidValue", "Restriction: a Group restriction names at least one group")
		}
		for _, id := range r.IDs {
			if _, err := q.Group(ctx, id); isNotFound(err) {
				return model.Invalid("restriction", "InvalidValue", "Restriction: group %d does not exist", id)
			} else if err != nil {
				return err
			}
		}
		return nil
	}
	return model.Invalid("restriction", "InvalidValue", "Restriction: type must be \"User\" or \"Group\"")
}

// personalDefault makes a rule an agent creates without a restriction theirs.
func personalDefault(actor model.User, r *model.Restriction) *model.Restriction {
	if r == nil && actor.Role != model.RoleAdmin {
		return &model.Restriction{Type: model.RestrictUser, IDs: []int64{actor.ID}}
	}
	return r
}

// EditableMacro loads macro id for a change by actor: ErrForbidden when it
// exists but actor may not change it (another agent's, or a shared one).
func (s *Service) EditableMacro(ctx context.Context, actor model.User, id int64) (model.Macro, error) {
	if err := requireStaff(actor); err != nil {
		return model.Macro{}, err
	}
	m, err := s.db.Read().Macro(ctx, id)
	if err != nil {
		return m, err
	}
	return m, mayChange(actor, m.Restriction, m.Restriction, true)
}

// EditableTicketView is EditableMacro for views.
func (s *Service) EditableTicketView(ctx context.Context, actor model.User, id int64) (model.View, error) {
	if err := requireStaff(actor); err != nil {
		return model.View{}, err
	}
	v, err := s.db.Read().TicketView(ctx, id)
	if err != nil {
		return v, err
	}
	return v, mayChange(actor, v.Restriction, v.Restriction, true)
}

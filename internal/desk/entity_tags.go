package desk

import (
	"context"
	"fmt"
	"slices"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Tags on users and organizations (issue 21), edited as a ticket's: PUT adds,
// POST sets, DELETE removes.

// applyTagOp returns tags after op with req, normalized as a ticket's, and
// whether they changed. Setting or adding checks the limits a ticket has.
func applyTagOp(tags []string, op TagOp, req []string) ([]string, bool, error) {
	req = NormalizeTags(req)
	var out []string
	switch op {
	case TagsSet:
		out = req
	case TagsAdd:
		out = slices.Clone(tags)
		has := tagSet(tags)
		for _, t := range req {
			if _, ok := has[t]; !ok {
				has[t] = struct{}{}
				out = append(out, t)
			}
		}
	case TagsRemove:
		drop := tagSet(req)
		out = slices.DeleteFunc(slices.Clone(tags), func(x string) bool { _, ok := drop[x]; return ok })
	default:
		return nil, false, fmt.Errorf("desk: tag operation %d", op)
	}
	if op != TagsRemove {
		v := &model.ValidationError{}
		checkTagLimits(out, v)
		if err := v.OrNil(); err != nil {
			return nil, false, err
		}
	}
	return out, !slices.Equal(tags, out), nil
}

// EditUserTags changes user id's tags. Staff only, and only admins change an
// agent's or admin's, as for any other change to a user.
func (s *Service) EditUserTags(ctx context.Context, actor model.User, id int64, op TagOp, tags []string) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var out []string
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if u.Role != model.RoleEndUser && actor.ID != u.ID {
			if err := requireAdmin(actor); err != nil {
				return err
			}
		}
		if u.Deleted {
			return model.Invalid("user", "InvalidValue", "user %d is deleted", id)
		}
		var changed bool
		if out, changed, err = applyTagOp(u.Tags, op, tags); err != nil || !changed {
			return err
		}
		return tx.SetUserTags(ctx, id, out, s.clock())
	})
	return out, err
}

// UserTags returns user id's tags. Staff only, as Zendesk.
func (s *Service) UserTags(ctx context.Context, actor model.User, id int64) ([]string, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	u, err := s.db.Read().User(ctx, id)
	return u.Tags, err
}

// EditOrganizationTags changes organization id's tags. Admins only, as any
// change to an organization.
func (s *Service) EditOrganizationTags(ctx context.Context, actor model.User, id int64, op TagOp, tags []string) ([]string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var out []string
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		o, err := tx.Organization(ctx, id)
		if err != nil {
			return err
		}
		var changed bool
		if out, changed, err = applyTagOp(o.Tags, op, tags); err != nil || !changed {
			return err
		}
		return tx.SetOrganizationTags(ctx, id, out, s.clock())
	})
	return out, err
}

// OrganizationTags returns organization id's tags. Staff only.
func (s *Service) OrganizationTags(ctx context.Context, actor model.User, id int64) ([]string, error) {
	o, err := s.Organization(ctx, actor, id)
	return o.Tags, err
}

package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// ShowManyUsers loads up to MaxBulk users by id or by external id (Zendesk's
// show_many). Agents only: the list names other people.
func (s *Service) ShowManyUsers(ctx context.Context, actor model.User, ids []int64, externalIDs []string) ([]model.User, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if len(ids)+len(externalIDs) > MaxBulk {
		return nil, model.Invalid("ids", "InvalidValue", "at most %d users per request", MaxBulk)
	}
	if len(externalIDs) > 0 {
		return s.db.Read().UsersByExternalIDs(ctx, externalIDs)
	}
	return s.db.Read().UsersByIDs(ctx, ids)
}

// AutocompleteUsers lists up to 100 users whose name starts with prefix. Agents only.
func (s *Service) AutocompleteUsers(ctx context.Context, actor model.User, prefix string) ([]model.User, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if len([]rune(prefix)) < 2 {
		// Zendesk needs at least two characters too; one would list everyone.
		return nil, model.Invalid("name", "InvalidValue", "name: give at least 2 characters")
	}
	return s.db.Read().AutocompleteUsers(ctx, prefix, MaxBulk)
}

// UserRelated counts a user's tickets (Zendesk's /users/{id}/related). Staff, or
// the user themself.
type UserRelated struct {
	AssignedTickets, RequestedTickets, CCDTickets int64
}

// RelatedToUser returns what UserRelated counts.
func (s *Service) RelatedToUser(ctx context.Context, actor model.User, id int64) (UserRelated, error) {
	u, err := s.User(ctx, actor, id)
	if err != nil {
		return UserRelated{}, err
	}
	var r UserRelated
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	if err != nil {
		return r, err
	}
	if r.RequestedTickets, err = s.db.Read().CountTickets(ctx, store.TicketFilter{RequesterID: u.ID, HiddenGroups: hidden}); err != nil {
		return r, err
	}
	if r.CCDTickets, err = s.db.Read().CountTickets(ctx, store.TicketFilter{CCUserID: u.ID, HiddenGroups: hidden}); err != nil {
		return r, err
	}
	if u.Role.IsStaff() {
		if r.AssignedTickets, err = s.db.Read().CountTickets(ctx, store.TicketFilter{AssigneeID: u.ID, HiddenGroups: hidden}); err != nil {
			return r, err
		}
	}
	return r, nil
}

// UserTickets lists the live tickets a user requested, is assigned or is an
// email CC of ("requested", "assigned", "ccd"). Agents only.
func (s *Service) UserTickets(ctx context.Context, actor model.User, id int64, kind string, p store.Page) ([]model.Ticket, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	if _, err := s.db.Read().User(ctx, id); err != nil {
		return nil, 0, err
	}
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	if err != nil {
		return nil, 0, err
	}
	f := store.TicketFilter{HiddenGroups: hidden}
	switch kind {
	case "requested":
		f.RequesterID = id
	case "assigned":
		f.AssigneeID = id
	case "ccd":
		f.CCUserID = id
	default:
		return nil, 0, fmt.Errorf("desk: user tickets %q: %w", kind, model.ErrNotFound)
	}
	rows, err := s.db.Read().ListTickets(ctx, f, p)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.db.Read().CountTickets(ctx, f)
	return rows, n, err
}

// DeleteUser soft-deletes a user as Zendesk does: the user stays, inactive and
// marked deleted, with their tickets. Admins delete anyone but themselves; agents
// only end users. The peer identity is refused: it is retired by rotating or
// suspending it (docs/escalation.md), so an escalation link never loses its author.
func (s *Service) DeleteUser(ctx context.Context, actor model.User, id int64) (model.User, error) {
	if err := requireStaff(actor); err != nil {
		return model.User{}, err
	}
	var u model.User
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		switch {
		case u.Deleted:
			return fmt.Errorf("desk: user %d already deleted: %w", id, model.ErrNotFound)
		case u.ID == actor.ID:
			return fmt.Errorf("desk: users can't delete themselves: %w", model.ErrForbidden)
		case isPeer(u):
			return fmt.Errorf("desk: the peer identity is suspended or rotated, not deleted: %w", model.ErrForbidden)
		case u.Role.IsStaff():
			if err := requireAdmin(actor); err != nil {
				return err
			}
		}
		now := s.clock()
		if err := tx.SoftDeleteUser(ctx, id, now); err != nil {
			return err
		}
		if err := tx.DeleteUserWebSessions(ctx, id); err != nil {
			return fmt.Errorf("desk: end sessions of deleted user %d: %w", id, err)
		}
		u.Deleted, u.Active, u.UpdatedAt = true, false, now
		return nil
	})
	s.auth.clear()
	return u, err
}

// CreateManyUsers creates each user in its own transaction (one invalid user
// fails alone) and records a job status, as Zendesk's create_many. With upsert
// (create_or_update_many) a user matching by email or external id is updated.
func (s *Service) CreateManyUsers(ctx context.Context, actor model.User, items []UserInput, upsert bool) (model.JobStatus, error) {
	if err := requireStaff(actor); err != nil {
		return model.JobStatus{}, err
	}
	results := make([]model.JobResult, 0, len(items))
	for i, in := range items {
		idx := i
		r := model.JobResult{Index: &idx, Action: "create"}
		var u model.User
		var err error
		created := true
		if upsert {
			u, created, err = s.CreateOrUpdateUser(ctx, actor, in)
		} else {
			u, err = s.CreateUser(ctx, actor, in)
		}
		r.ID = u.ID
		ok := "Created"
		if !created && err == nil {
			r.Action, ok = "update", "Updated"
		}
		if err := jobError(&r, err, ok); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	kind := "bulk_create"
	if upsert {
		kind = "bulk_create_or_update"
	}
	return s.finishJob(ctx, actor, kind, results)
}

// PurgedUserName is the name a permanently deleted user keeps, as in Zendesk.
const PurgedUserName = "Permanently deleted user"

// purgedEmailDomain takes the place of a purged user's email domain; .invalid is
// reserved (RFC 2606), so no mail is ever sent there.
const purgedEmailDomain = "@deleted.twindesk.invalid"

// PurgeUser permanently deletes a soft-deleted user (DELETE /deleted_users/{id}):
// their name, email and external id are gone from every table and so from
// search, their tokens, sessions and memberships too, and the freed pages are
// scrubbed as after a ticket purge. The row keeps its id for the tickets that
// name it. Admins only.
func (s *Service) PurgeUser(ctx context.Context, actor model.User, id int64) (model.User, error) {
	if err := requireAdmin(actor); err != nil {
		return model.User{}, err
	}
	var u model.User
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, id); err != nil {
			return err
		}
		if !u.Deleted {
			return model.Invalid("user", "InvalidValue", "user %d is not deleted: DELETE /api/v2/users/%d first", id, id)
		}
		newEmail := fmt.Sprintf("deleted-%d%s", id, purgedEmailDomain)
		if u.Email == newEmail {
			return fmt.Errorf("desk: user %d already permanently deleted: %w", id, model.ErrNotFound)
		}
		if err := tx.PurgeUser(ctx, id, u.Name, u.Email, PurgedUserName, newEmail); err != nil {
			return err
		}
		if err := tx.OweScrub(ctx, s.clock()); err != nil {
			return err
		}
		u.Name, u.Email, u.ExternalID, u.DefaultGroupID, u.OrganizationID = PurgedUserName, newEmail, "", 0, 0
		return nil
	})
	if err != nil {
		return u, err
	}
	s.auth.clear()
	s.scrub(ctx)
	return u, nil
}

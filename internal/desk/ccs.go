package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// MaxTicketCCs is Zendesk's limit of email CCs on a ticket; twindesk applies
// it to followers too, so a ticket's mail fan-out stays bounded.
const MaxTicketCCs = 48

// UserRef names a user to copy or follow a ticket: by id, or by email. For a
// CC an unknown email becomes an end user named Name, as Zendesk does; a
// follower must already be an agent.
type UserRef struct {
	ID    int64
	Email string
	Name  string
}

// CCAction is one entry of Zendesk's email_ccs or followers list.
type CCAction struct {
	User   UserRef
	Delete bool // action "delete"; otherwise "put"
}

// CollaboratorInput is what a create or update says about CCs and followers,
// applied in this order: CollaboratorIDs, EmailCCIDs and FollowerIDs replace,
// Collaborators add, EmailCCs and Followers put or delete one by one. A
// client that sends back a fetched ticket (all three id lists) changes
// nothing.
type CollaboratorInput struct {
	// CollaboratorIDs replaces CCs and followers together: those listed keep
	// their place, new end users become CCs and new agents followers.
	CollaboratorIDs *[]int64
	EmailCCIDs      *[]int64
	FollowerIDs     *[]int64
	// Collaborators adds users as CollaboratorIDs places them (Zendesk's
	// collaborators and additional_collaborators).
	Collaborators []UserRef
	EmailCCs      []CCAction
	Followers     []CCAction
}

// empty reports whether the input says nothing about CCs or followers.
func (c *CollaboratorInput) empty() bool {
	return c.CollaboratorIDs == nil && c.EmailCCIDs == nil && c.FollowerIDs == nil &&
		len(c.Collaborators) == 0 && len(c.EmailCCs) == 0 && len(c.Followers) == 0
}

// applyCollaborators resolves and applies in's CCs and followers to t. Every
// named user must exist (an unknown id is a 422, never a silent drop);
// followers must be agents; peer identities are neither.
func (s *Service) applyCollaborators(ctx context.Context, tx *store.Tx, in *CollaboratorInput, t *model.Ticket, v *model.ValidationError) error {
	if in.empty() {
		return nil
	}
	r := &ccResolver{s: s, tx: tx, v: v, users: map[int64]model.User{}}
	ccs, followers := slices.Clone(t.EmailCCIDs), slices.Clone(t.FollowerIDs)
	if in.CollaboratorIDs != nil {
		var nc, nf []int64
		for _, id := range *in.CollaboratorIDs {
			u, ok, err := r.user(ctx, UserRef{ID: id}, "collaborator_ids", false)
			if err != nil {
				return err
			}
			switch {
			case !ok:
			case slices.Contains(followers, id) || (u.Role.IsStaff() && !slices.Contains(ccs, id)):
				nf = addID(nf, id)
			default:
				nc = addID(nc, id)
			}
		}
		ccs, followers = nc, nf
	}
	var err error
	if in.EmailCCIDs != nil {
		if ccs, err = r.ids(ctx, *in.EmailCCIDs, "email_cc_ids", false); err != nil {
			return err
		}
	}
	if in.FollowerIDs != nil {
		if followers, err = r.ids(ctx, *in.FollowerIDs, "follower_ids", true); err != nil {
			return err
		}
	}
	for _, ref := range in.Collaborators {
		u, ok, err := r.user(ctx, ref, "collaborators", false)
		if err != nil {
			return err
		}
		if ok && !slices.Contains(ccs, u.ID) && !slices.Contains(followers, u.ID) {
			if u.Role.IsStaff() {
				followers = append(followers, u.ID)
			} else {
				ccs = append(ccs, u.ID)
			}
		}
	}
	if ccs, err = r.actions(ctx, ccs, in.EmailCCs, "email_ccs", false); err != nil {
		return err
	}
	if followers, err = r.actions(ctx, followers, in.Followers, "followers", true); err != nil {
		return err
	}
	if len(ccs) > MaxTicketCCs {
		v.Add("email_ccs", "TooLong", "Email CCs: a ticket has at most %d CCs, not %d", MaxTicketCCs, len(ccs))
	}
	if len(followers) > MaxTicketCCs {
		v.Add("followers", "TooLong", "Followers: a ticket has at most %d followers, not %d", MaxTicketCCs, len(followers))
	}
	t.EmailCCIDs, t.FollowerIDs = ccs, followers
	return nil
}

// ccResolver looks users up once per request and records what is wrong.
type ccResolver struct {
	s     *Service
	tx    *store.Tx
	v     *model.ValidationError
	users map[int64]model.User
}

// user resolves ref; ok is false (and the problem recorded) when it names
// nobody usable. agent demands staff, as for a follower.
func (r *ccResolver) user(ctx context.Context, ref UserRef, field string, agent bool) (model.User, bool, error) {
	var u model.User
	var err error
	switch {
	case ref.ID != 0:
		if cached, ok := r.users[ref.ID]; ok {
			u = cached
			break
		}
		u, err = r.tx.User(ctx, ref.ID)
		if isNotFound(err) {
			r.v.Add(field, "InvalidValue", "%s: user %d does not exist", label(field), ref.ID)
			return u, false, nil
		}
	case ref.Email != "" && agent:
		u, err = r.tx.UserByEmail(ctx, ref.Email)
		if isNotFound(err) {
			r.v.Add(field, "InvalidValue", "%s: %s is not an agent", label(field), ref.Email)
			return u, false, nil
		}
	case ref.Email != "":
		u, err = r.s.findOrCreateRequester(ctx, r.tx, ref.Email, ref.Name)
		if _, bad := err.(*model.ValidationError); bad {
			r.v.Add(field, "InvalidValue", "%s: %q is not a valid email address", label(field), ref.Email)
			return u, false, nil
		}
	default:
		r.v.Add(field, "InvalidValue", "%s: each entry needs a user_id or a user_email", label(field))
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	r.users[u.ID] = u
	if isPeer(u) || (agent && !u.Role.IsStaff()) {
		r.v.Add(field, "InvalidValue", "%s: user %d is not an agent", label(field), u.ID)
		return u, false, nil
	}
	return u, true, nil
}

// ids resolves a replacing list of user ids, dropping repeats.
func (r *ccResolver) ids(ctx context.Context, ids []int64, field string, agent bool) ([]int64, error) {
	var out []int64
	for _, id := range ids {
		u, ok, err := r.user(ctx, UserRef{ID: id}, field, agent)
		if err != nil {
			return nil, err
		}
		if ok {
			out = addID(out, u.ID)
		}
	}
	return out, nil
}

// actions applies put and delete entries to list.
func (r *ccResolver) actions(ctx context.Context, list []int64, acts []CCAction, field string, agent bool) ([]int64, error) {
	for _, a := range acts {
		if a.Delete && a.User.ID != 0 {
			// Removing someone needs no lookup: a deleted user can still be dropped.
			list = slices.DeleteFunc(list, func(id int64) bool { return id == a.User.ID })
			continue
		}
		u, ok, err := r.user(ctx, a.User, field, agent && !a.Delete)
		if err != nil {
			return nil, err
		}
		switch {
		case !ok:
		case a.Delete:
			list = slices.DeleteFunc(list, func(id int64) bool { return id == u.ID })
		default:
			list = addID(list, u.ID)
		}
	}
	return list, nil
}

func addID(list []int64, id int64) []int64 {
	if slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

func label(field string) string {
	switch field {
	case "email_ccs", "email_cc_ids":
		return "Email CCs"
	case "followers", "follower_ids":
		return "Followers"
	}
	return "Collaborators"
}

// collaboratorEvents lists the audit's Change events for CCs and followers,
// with Zendesk's field names.
func collaboratorEvents(typ string, before, after *model.Ticket) []model.AuditEvent {
	var ev []model.AuditEvent
	for _, f := range []struct {
		name      string
		prev, now []int64
	}{{"email_cc_ids", before.EmailCCIDs, after.EmailCCIDs}, {"follower_ids", before.FollowerIDs, after.FollowerIDs}} {
		if slices.Equal(f.prev, f.now) {
			continue
		}
		e := model.AuditEvent{Type: typ, FieldName: f.name, Value: idStrings(f.now)}
		if typ == "Change" {
			e.PreviousValue = idStrings(f.prev)
		}
		ev = append(ev, e)
	}
	return ev
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprint(id)
	}
	return out
}

// mailCCs makes the Cc: addresses of a filed mail that belong to known users
// CCs of its ticket, as Zendesk does. Unknown addresses are left alone (a mail
// must not create users for every address it names), and so are the author,
// the requester, peer identities and anything past MaxTicketCCs: a mail can't
// be answered with a 422.
func mailCCs(ctx context.Context, tx *store.Tx, m *parse.Message, author model.User, t *model.Ticket) error {
	for _, a := range m.Cc {
		if len(t.EmailCCIDs) >= MaxTicketCCs {
			return nil
		}
		u, err := tx.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(a.Address)))
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if u.ID == author.ID || u.ID == t.RequesterID || isPeer(u) || !u.Active {
			continue
		}
		t.EmailCCIDs = addID(t.EmailCCIDs, u.ID)
	}
	return nil
}

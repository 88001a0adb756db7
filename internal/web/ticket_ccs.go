package web

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// The ticket page shows a ticket's email CCs and followers as comma-separated
// addresses in two text boxes; a submit turns the edited lists into Zendesk's
// put and delete actions (desk/ccs.go), so the desk checks them as it checks
// the API's: an unknown address for a CC becomes an end user, one for a
// follower is refused.

// ccEmails lists the addresses of ids as the page shows them.
func ccEmails(users map[int64]model.User, ids []int64) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if u, ok := users[id]; ok && u.Email != "" {
			out = append(out, u.Email)
		}
	}
	return strings.Join(out, ", ")
}

// splitEmails reads a box of addresses separated by commas, semicolons or
// spaces, lower-cased, without repeats.
func splitEmails(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		if e := strings.ToLower(strings.TrimSpace(f)); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// ccChanges sets in's CC and follower actions from the form's "ccs" and
// "followers" boxes, when the form has them and they differ from t's.
func (s *Server) ccChanges(ctx context.Context, actor model.User, form url.Values, t *model.Ticket, in *desk.TicketInput) error {
	_, hasCCs := form["ccs"]
	_, hasFollowers := form["followers"]
	if !hasCCs && !hasFollowers {
		return nil
	}
	users, err := s.usersByID(ctx, actor, append(slices.Clone(t.EmailCCIDs), t.FollowerIDs...))
	if err != nil {
		return err
	}
	if hasCCs {
		in.CCs.EmailCCs = ccActions(users, t.EmailCCIDs, splitEmails(form.Get("ccs")))
	}
	if hasFollowers {
		in.CCs.Followers = ccActions(users, t.FollowerIDs, splitEmails(form.Get("followers")))
	}
	return nil
}

// ccActions deletes the current users whose address is no longer listed and
// puts the listed addresses that are new.
func ccActions(users map[int64]model.User, cur []int64, want []string) []desk.CCAction {
	var out []desk.CCAction
	have := map[string]bool{}
	for _, id := range cur {
		email := strings.ToLower(users[id].Email)
		have[email] = true
		if !slices.Contains(want, email) {
			out = append(out, desk.CCAction{User: desk.UserRef{ID: id}, Delete: true})
		}
	}
	for _, e := range want {
		if !have[e] {
			out = append(out, desk.CCAction{User: desk.UserRef{Email: e}})
		}
	}
	return out
}

// ccEventIDs lists the users an audit's CC or follower change names, so the
// history can show their names.
func ccEventIDs(e model.AuditEvent) []int64 {
	if e.FieldName != "email_cc_ids" && e.FieldName != "follower_ids" {
		return nil
	}
	var out []int64
	for _, v := range []any{e.Value, e.PreviousValue} {
		for _, f := range strings.Fields(valueString(v)) {
			out = append(out, parseID(f))
		}
	}
	return out
}

// userList renders a list of user ids as names.
func (n *names) userList(v any) string {
	var out []string
	for _, f := range strings.Fields(valueString(v)) {
		out = append(out, n.user(parseID(f)))
	}
	return strings.Join(out, ", ")
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
)

// escalatingData is what the page of a ticket in escalation shows: its number
// and where its stub will be, never its content (that now belongs to secure).
type escalatingData struct {
	ID int64
	// Draft is text the agent typed for this ticket that could not be saved;
	// shown so it can be copied to the stub, not lost.
	Draft string
}

// inEscalation reports whether t is being moved to the secure instance.
func inEscalation(t *model.Ticket) bool { return t.HasTag(peer.TagEscalationInFlight) }

// secureGroups returns the pseudo groups: the groups in the group conditions of
// the active "forward and delete" trigger. Choosing one sends the ticket to the
// secure instance, so the group select warns about them. Reading the trigger
// rather than matching names keeps the warning right whatever the groups are
// called.
func (s *Server) secureGroups(ctx context.Context, actor model.User) (map[int64]bool, error) {
	triggers, err := s.desk.Triggers(ctx, actor, true)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, tr := range triggers {
		if tr.Title != peer.TriggerForward {
			continue
		}
		for _, c := range append(append([]model.Condition{}, tr.Conditions.All...), tr.Conditions.Any...) {
			if c.Field != "group_id" || c.Operator != "is" {
				continue
			}
			if id, err := strconv.ParseInt(c.Value, 10, 64); err == nil && id > 0 {
				out[id] = true
			}
		}
	}
	return out, nil
}

// renderEscalating shows the notice that replaces the page of a ticket in
// escalation.
func (s *Server) renderEscalating(w http.ResponseWriter, r *http.Request, rq *request, status int, t *model.Ticket, draftBody string) {
	s.render(w, r, rq, status, "escalating.html", "#"+itoa(t.ID)+" is moving to the secure desk",
		&escalatingData{ID: t.ID, Draft: draftBody})
}

// escalationConfirm refuses a move into a pseudo group the agent has not
// confirmed: the ticket's content would leave this desk.
type escalationConfirm struct{ group string }

func (e *escalationConfirm) Error() string {
	return "Moving this ticket to " + e.group + " sends it to the secure instance: its content leaves this desk and is deleted here. " +
		"Tick \u201cYes, move it to the secure desk\u201d and submit again, or choose another group."
}

// confirmEscalation returns an *escalationConfirm when the form moves t into a
// pseudo group without the confirm box ticked.
func (s *Server) confirmEscalation(ctx context.Context, actor model.User, form url.Values, t *model.Ticket) error {
	secure, err := s.secureGroups(ctx, actor)
	if err != nil {
		return err
	}
	id := pendingSecureGroup(form, t, secure)
	if id == 0 || form.Get("confirm_escalation") == "1" {
		return nil
	}
	name := "group " + itoa(id)
	if g, err := s.desk.Group(ctx, actor, id); err == nil {
		name = g.Name
	}
	return &escalationConfirm{group: name}
}

// pendingSecureGroup returns the pseudo group the form moves t into, or 0.
func pendingSecureGroup(form url.Values, t *model.Ticket, secure map[int64]bool) int64 {
	raw, ok := form["group_id"]
	if !ok {
		return 0
	}
	id, err := parseOptionalID(raw[len(raw)-1])
	if err != nil || id == t.GroupID || !secure[id] {
		return 0
	}
	return id
}

package api

import (
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// sideLoad adds Zendesk's side-loads to a ticket answer when the request asks
// (include=users,groups,organizations,comment_count, or search's
// include=tickets(users,groups,organizations)): top-level "users",
// "groups" and "organizations" lists of what the tickets name, and
// comment_count on each ticket. Each kind costs one query, whatever the
// number of tickets. Other include values are ignored, as Zendesk ignores the
// ones an endpoint doesn't offer; so is include for end users.
func (s *Server) sideLoad(r *http.Request, tickets []model.Ticket, body map[string]any) error {
	var kinds desk.SideLoadKinds
	// Search names what to load with its tickets as include=tickets(users,groups).
	include := strings.NewReplacer("tickets(", "", ")", "").Replace(r.URL.Query().Get("include"))
	for _, k := range strings.Split(include, ",") {
		switch strings.TrimSpace(k) {
		case "users":
			kinds.Users = true
		case "groups":
			kinds.Groups = true
		case "organizations":
			kinds.Organizations = true
		case "comment_count":
			kinds.CommentCount = true
		}
	}
	actor := currentUser(r.Context())
	if kinds == (desk.SideLoadKinds{}) || !actor.Role.IsStaff() {
		return nil
	}
	sl, err := s.desk.TicketSideLoads(r.Context(), actor, tickets, kinds)
	if err != nil {
		return err
	}
	if err := s.withUsersFields(r, sl.Users); err != nil {
		return err
	}
	if err := s.withOrgsFields(r, sl.Organizations); err != nil {
		return err
	}
	if kinds.Users {
		body["users"] = s.usersOut(sl.Users)
	}
	if kinds.Groups {
		groups := make([]groupJSON, len(sl.Groups))
		for i := range sl.Groups {
			groups[i] = s.groupOut(&sl.Groups[i])
		}
		body["groups"] = groups
	}
	if kinds.Organizations {
		body["organizations"] = s.orgsOut(sl.Organizations)
	}
	if kinds.CommentCount {
		count := func(t *ticketJSON) { n := sl.CommentCounts[t.ID]; t.CommentCount = &n }
		if list, ok := body["tickets"].([]ticketJSON); ok {
			for i := range list {
				count(&list[i])
			}
		}
		if t, ok := body["ticket"].(ticketJSON); ok {
			count(&t)
			body["ticket"] = t
		}
	}
	return nil
}

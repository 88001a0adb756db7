package api

import (
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

// peerRoutes are the only routes the other instance's peer identity may call:
// the escalation recipe's writes (desk checks each against its escalation links)
// and who-am-I. Everything else, reads above all, is 403 for a peer, so a peer
// credential that leaks (an admin repointing a webhook, say) reads nothing.
var peerRoutes = map[string]bool{
	"POST /api/v2/tickets":                true, // the escalated ticket, or the stub
	"PUT /api/v2/tickets/update_many":     true, // link, note, stub sync and close
	"PUT /api/v2/tickets/{id}":            true,
	"DELETE /api/v2/tickets/{id}":         true, // the original, once escalated
	"DELETE /api/v2/deleted_tickets/{id}": true,
	"GET /api/v2/users/me":                true,
	// A requester's mail reply to an escalated ticket (secure; mail_in.go).
	"POST /api/v2/twindesk/peer/mail_replies": true,
	// The escalated ticket as an import, and its files first (issue 18); desk
	// lets only standard's peer do either, on the secure instance.
	"POST /api/v2/uploads":         true,
	"POST /api/v2/imports/tickets": true,
}

// peerAllowed reports whether the route of r is open to a peer identity.
func peerAllowed(r *http.Request) bool { return peerRoutes[r.Pattern] }

// issuePeerToken is POST /api/v2/twindesk/peer_identities/{name}/token: an admin
// creates (or finds) the peer identity name, revokes its earlier tokens and gets
// a new one, shown this once. `twindesk escalation setup` stores it, encrypted, in
// the other instance's webhooks.
func (s *Server) issuePeerToken(w http.ResponseWriter, r *http.Request) error {
	u, token, err := s.desk.IssuePeerToken(r.Context(), currentUser(r.Context()), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"peer_identity": map[string]any{
		"name": r.PathValue("name"), "user_id": u.ID, "email": u.Email, "token": token}})
	return nil
}

// showInstance is GET /api/v2/twindesk/instance: what setup needs to know about
// this instance (admins only), such as whether it runs in confidential mode.
func (s *Server) showInstance(w http.ResponseWriter, r *http.Request) error {
	if u := currentUser(r.Context()); u.Role != model.RoleAdmin {
		return errForbidden
	}
	writeJSON(w, http.StatusOK, map[string]any{"instance": map[string]any{"confidential": s.desk.Confidential()}})
	return nil
}

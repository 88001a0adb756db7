package web

import (
	"context"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ticketUpdated answers when the ticket last changed. The ticket page polls it
// (static/collision.js) to warn an agent who is typing that someone else
// changed the ticket meanwhile. It reads the ticket row only, and answers no
// content, so an escalating ticket's says nothing more than its page does.
// It also records the poll and names the other agents who have the ticket
// open (presence.go): only to someone the desk lets see the ticket.
func (s *Server) ticketUpdated(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Ticket(r.Context(), rq.user, id)
	if err != nil {
		return jsonError(w, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSONPage(w, http.StatusOK, map[string]any{
		"updated_stamp": t.UpdatedAt.Format(time.RFC3339Nano),
		"updated_at":    localTime(t.UpdatedAt, s.desk.UserZone(r.Context(), rq.user)),
		"viewing":       s.viewing(r.Context(), t.ID, rq.user),
	})
	return nil
}

// viewing records an agent's poll and names the others; end users are neither
// recorded nor told. Nodes sharing a PostgreSQL database keep the polls there
// (desk.SeeTicket), so agents served by different nodes see each other; a
// failed read shows nobody rather than failing the poll: it is a hint.
func (s *Server) viewing(ctx context.Context, id int64, u model.User) []string {
	if !u.Role.IsStaff() {
		return []string{}
	}
	if !s.desk.SharedPresence() {
		return s.presence.see(id, u, time.Now())
	}
	names, err := s.desk.SeeTicket(ctx, u, id, time.Now(), presenceTTL)
	if err != nil {
		s.log.WarnContext(ctx, "also viewing: poll not recorded", "ticket", id, "err", err)
		return []string{}
	}
	return names
}

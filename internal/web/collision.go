package web

import (
	"net/http"
	"time"
)

// ticketUpdated answers when the ticket last changed. The ticket page polls it
// (static/collision.js) to warn an agent who is typing that someone else
// changed the ticket meanwhile. It reads the ticket row only, and answers no
// content, so an escalating ticket's says nothing more than its page does.
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
	writeJSONPage(w, http.StatusOK, map[string]string{
		"updated_stamp": t.UpdatedAt.Format(time.RFC3339Nano),
		"updated_at":    t.UpdatedAt.UTC().Format("2006-01-02 15:04") + " UTC",
	})
	return nil
}

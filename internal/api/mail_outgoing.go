package api

import (
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// mailRoutes serves the outgoing-mail log (issue 17).
func (s *Server) mailRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/twindesk/mail/outgoing", s.listOutgoingMail)
}

// listOutgoingMail is the outgoing-mail log, newest first, like a webhook's
// invocations: recipient, subject, state, attempts and last error, never the
// message. Admins only. Paged with page[size] (1-100) and page[after] (the last
// id of the previous page).
func (s *Server) listOutgoingMail(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	size := 100
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return badRequest("page[size] must be a number from 1 to 100")
		}
		size = n
	}
	after := q.Get("page[after]")
	if len(after) > 26 {
		return badRequest("page[after] is not a cursor this server issued")
	}
	rows, next, err := s.desk.OutgoingMail(r.Context(), currentUser(r.Context()), after, size)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rows))
	for i, m := range rows {
		out[i] = mailJSON(m)
	}
	meta := map[string]any{"has_more": next != ""}
	if next != "" {
		meta["after_cursor"] = next
	}
	writeJSON(w, http.StatusOK, map[string]any{"outgoing_mail": out, "meta": meta})
	return nil
}

func mailJSON(m model.OutgoingMail) map[string]any {
	return map[string]any{"id": m.ID, "ticket_id": m.TicketID, "trigger_id": m.TriggerID,
		"recipient_id": m.RecipientID, "recipient": m.Recipient, "subject": m.Subject, "message_id": m.MessageID,
		"state": m.State, "attempts": m.Attempts, "error": nilIfEmpty(m.LastError),
		"created_at": zt(m.CreatedAt), "updated_at": zt(m.UpdatedAt)}
}

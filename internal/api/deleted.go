package api

import (
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

type deletedTicketJSON struct {
	ID            int64          `json:"id"`
	Subject       string         `json:"subject"`
	Description   string         `json:"description"`
	Actor         map[string]any `json:"actor"`
	DeletedAt     string         `json:"deleted_at"`
	PreviousState string         `json:"previous_state"`
}

func deletedOut(d *model.DeletedTicket) deletedTicketJSON {
	return deletedTicketJSON{ID: d.ID, Subject: d.Subject, Description: d.Description,
		Actor: map[string]any{"id": d.ActorID, "name": d.ActorName}, DeletedAt: zt(d.DeletedAt), PreviousState: string(d.PreviousState)}
}

// listDeleted is GET /deleted_tickets: soft-deleted tickets, not yet purged.
func (s *Server) listDeleted(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.DeletedTickets(r.Context(), currentUser(r.Context()), p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	out := make([]deletedTicketJSON, len(rows))
	for i := range rows {
		out[i] = deletedOut(&rows[i])
	}
	did := func(d model.DeletedTicket) int64 { return d.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"deleted_tickets": out}, more, firstID(rows, did), lastID(rows, did), count))
	return nil
}

// restoreTicket is PUT /deleted_tickets/{id}/restore: 200 with an empty body.
func (s *Server) restoreTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.RestoreTicket(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// restoreMany is PUT /deleted_tickets/restore_many?ids=.
func (s *Server) restoreMany(w http.ResponseWriter, r *http.Request) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	if err := s.desk.RestoreMany(r.Context(), currentUser(r.Context()), ids); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// purgeTicket is DELETE /deleted_tickets/{id}: a permanent delete of a ticket that
// was soft-deleted first; 404 when it wasn't.
func (s *Server) purgeTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, err := s.desk.PurgeMany(r.Context(), currentUser(r.Context()), []int64{id}, true, purgeRequest(r))
	if err != nil {
		return err
	}
	if len(j.Results) == 1 && j.Results[0].Error == "RecordNotFound" {
		return errNotFound
	}
	s.writeJob(w, &j)
	return nil
}

// purgeMany is DELETE /deleted_tickets/destroy_many?ids=.
func (s *Server) purgeMany(w http.ResponseWriter, r *http.Request) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	j, err := s.desk.PurgeMany(r.Context(), currentUser(r.Context()), ids, true, purgeRequest(r))
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

// purgeRequest describes r to a purge, which records the delivery making it (the
// escalation recipe's purge webhook) as delivered when r is one (desk.PurgeRequest).
func purgeRequest(r *http.Request) desk.PurgeRequest {
	return desk.PurgeRequest{DeliveryKey: r.Header.Get("Idempotency-Key"),
		Timestamp: r.Header.Get("X-Zendesk-Webhook-Signature-Timestamp"), Signature: r.Header.Get("X-Zendesk-Webhook-Signature"),
		Method: r.Method, Host: r.Host, Target: r.RequestURI}
}

package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// idsParam parses "?ids=1,2,3" (at most 100 ids).
func idsParam(r *http.Request) ([]int64, error) {
	raw := r.URL.Query().Get("ids")
	if raw == "" {
		return nil, badRequest("ids is required, e.g. ?ids=1,2,3")
	}
	var ids []int64
	for _, part := range strings.Split(raw, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return nil, badRequest("ids must be a comma-separated list of ticket ids")
		}
		ids = append(ids, id)
	}
	if len(ids) > 100 {
		return nil, badRequest("at most 100 ids per request")
	}
	return ids, nil
}

func (s *Server) createTicket(w http.ResponseWriter, r *http.Request) error {
	tk, err := decodeEnvelopeLimit[ticketIn](r, "ticket", s.cfg.MaxTicketBody)
	if err != nil {
		return err
	}
	in, err := tk.toInput("api")
	if err != nil {
		return err
	}
	res, err := s.desk.CreateTicket(r.Context(), currentUser(r.Context()), in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	out := s.ticketOut(&res.Ticket)
	w.Header().Set("Location", out.URL)
	status := http.StatusCreated
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, map[string]any{"ticket": out, "audit": s.auditOut(r, &res.Audit)})
	return nil
}

func (s *Server) showTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Ticket(r.Context(), currentUser(r.Context()), id)
	if errors.Is(err, model.ErrNotFound) {
		return s.tombstoneOr404(r, id)
	}
	if err != nil {
		return err
	}
	body := map[string]any{"ticket": s.ticketOut(&t)}
	if err := s.sideLoad(r, []model.Ticket{t}, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// tombstoneOr404 answers for a ticket that doesn't exist. When it was purged by an
// escalation, the 404 keeps Zendesk's shape but also names its stub, so phone
// support can answer a caller who quotes the old number.
func (s *Server) tombstoneOr404(r *http.Request, id int64) error {
	tomb, err := s.desk.FindTombstone(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return errNotFound
	}
	desc := fmt.Sprintf("Ticket %d was escalated to the secure instance and deleted here", id)
	var stub any
	if tomb.StubID != 0 {
		desc += fmt.Sprintf("; its stub is ticket %d", tomb.StubID)
		stub = tomb.StubID
	}
	return &apiError{http.StatusNotFound, errorBody{Error: "RecordNotFound", Description: desc,
		Escalated: &escalatedJSON{StubID: stub, PurgedAt: zt(tomb.PurgedAt)}}}
}

func (s *Server) updateTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	tk, err := decodeEnvelopeLimit[ticketIn](r, "ticket", s.cfg.MaxTicketBody)
	if err != nil {
		return err
	}
	in, err := tk.toInput("api")
	if err != nil {
		return err
	}
	if tk.SafeUpdate {
		in.UpdatedStamp, err = time.Parse(time.RFC3339, tk.UpdatedStamp)
		if err != nil {
			return recordInvalid(model.Invalid("updated_stamp", "InvalidValue", "updated_stamp: must be the ticket's updated_at, e.g. 2026-11-25T10:00:00Z"))
		}
	}
	res, err := s.desk.UpdateTicket(r.Context(), currentUser(r.Context()), id, in)
	if errors.Is(err, desk.ErrStale) {
		return &apiError{http.StatusConflict, errorBody{Error: "UpdateConflict",
			Description: "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."}}
	}
	if err != nil {
		return err
	}
	out := map[string]any{"ticket": s.ticketOut(&res.Ticket)}
	if res.Audit.ID != 0 {
		// An update that changes nothing writes no audit, as Zendesk; rendering the
		// zero audit would claim an audit 0 with no events at year 1.
		out["audit"] = s.auditOut(r, &res.Audit)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteTicket(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	f := store.TicketFilter{ExternalID: r.URL.Query().Get("external_id")}
	rows, count, err := s.desk.Tickets(r.Context(), currentUser(r.Context()), f, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	body := map[string]any{"tickets": s.ticketsOut(rows)}
	if err := s.sideLoad(r, rows, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p.envelope(body, more, firstID(rows, tid), lastID(rows, tid), count))
	return nil
}

func tid(t model.Ticket) int64 { return t.ID }

func firstID[T any](rows []T, id func(T) int64) int64 {
	if len(rows) == 0 {
		return 0
	}
	return id(rows[0])
}

func lastID[T any](rows []T, id func(T) int64) int64 {
	if len(rows) == 0 {
		return 0
	}
	return id(rows[len(rows)-1])
}

func (s *Server) ticketsOut(rows []model.Ticket) []ticketJSON {
	out := make([]ticketJSON, len(rows))
	for i := range rows {
		out[i] = s.ticketOut(&rows[i])
	}
	return out
}

func (s *Server) showManyTickets(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	rows, err := s.desk.TicketsByIDs(r.Context(), currentUser(r.Context()), ids)
	if err != nil {
		return err
	}
	body := map[string]any{"tickets": s.ticketsOut(rows), "next_page": nil, "previous_page": nil, "count": len(rows)}
	if err := s.sideLoad(r, rows, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) countTickets(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	n, err := s.desk.CountTickets(r.Context(), currentUser(r.Context()), store.TicketFilter{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": zt(time.Now())}})
	return nil
}

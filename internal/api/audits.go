package api

import (
	"net/http"
	"strconv"
	"time"
)

// showAudit is GET /tickets/{id}/audits/{audit_id}.
func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := s.auditTicket(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("audit_id"), 10, 64)
	if err != nil || aid <= 0 {
		return errNotFound
	}
	a, err := s.desk.Audit(r.Context(), currentUser(r.Context()), id, aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"audit": s.auditOut(r, &a)})
	return nil
}

// countAudits is GET /tickets/{id}/audits/count.
func (s *Server) countAudits(w http.ResponseWriter, r *http.Request) error {
	id, err := s.auditTicket(r)
	if err != nil {
		return err
	}
	n, err := s.desk.CountAudits(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": zt(time.Now())}})
	return nil
}

// auditTicket checks that an agent asks about a ticket they may see.
func (s *Server) auditTicket(r *http.Request) (int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return 0, err
	}
	if _, err := s.desk.Ticket(r.Context(), currentUser(r.Context()), id); err != nil {
		return 0, err
	}
	return id, nil
}

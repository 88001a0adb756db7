package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// viaNames are Zendesk's names for channels in ticket events, which spell
// them out ("Web form") where audits give the channel ("web").
var viaNames = map[string]string{"web": "Web form", "api": "Web service", "email": "Mail", "mail": "Mail",
	"rule": "Rule", "import": "Web service"}

func viaName(channel string) string {
	if n, ok := viaNames[channel]; ok {
		return n
	}
	return channel
}

// ticketEventOut renders an audit as Zendesk's ticket event: the audit with
// its changes as child events, a changed field named by its own key. Comments
// are child events only when asked for (include=comment_events).
func ticketEventOut(a *model.Audit, comments bool) map[string]any {
	via := viaName(a.Via)
	children := make([]map[string]any, 0, len(a.Events))
	commentPresent, commentPublic := false, false
	for i, e := range a.Events {
		ev := map[string]any{"id": auditEventID(a, i), "via": via, "via_reference_id": nil, "event_type": e.Type}
		if e.ViaTriggerID != 0 {
			ev["via"], ev["via_reference_id"] = "Rule", e.ViaTriggerID
		}
		switch e.Type {
		case "Comment":
			commentPresent, commentPublic = true, e.Public != nil && *e.Public
			if !comments {
				continue
			}
			ev["body"], ev["html_body"], ev["plain_body"] = e.Body, htmlBody(e.Body), e.Body
			ev["public"], ev["author_id"], ev["audit_id"] = commentPublic, e.AuthorID, a.ID
			ev["created_at"] = zt(a.CreatedAt)
		case "Notification":
			ev["subject"], ev["body"], ev["recipients"] = e.Subject, e.Body, e.Recipients
		default:
			ev[e.FieldName] = nullIfBlank(e.Value)
			if e.Type == "Change" {
				ev["previous_value"] = nullIfBlank(e.PreviousValue)
			}
		}
		children = append(children, ev)
	}
	return map[string]any{"id": a.ID, "ticket_id": a.TicketID, "timestamp": a.CreatedAt.Unix(),
		"created_at": zt(a.CreatedAt), "updater_id": a.AuthorID, "via": via, "system": map[string]any{},
		"metadata": map[string]any{"system": map[string]any{}, "custom": map[string]any{}}, "event_type": "Audit",
		"comment_present": commentPresent, "comment_public": commentPublic, "child_events": children}
}

func auditKey(a model.Audit) store.ExportKey { return store.ExportKeyAt(a.CreatedAt).WithID(a.ID) }

// auditExportPage reads one time-based page of audits from start_time: the
// ticket events and ticket metric events exports.
func (s *Server) auditExportPage(r *http.Request) (page []model.Audit, end int64, eos bool, err error) {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, false, until)
	if err != nil {
		return nil, 0, false, err
	}
	actor := currentUser(r.Context())
	fetch := func(k store.ExportKey) ([]model.Audit, error) {
		return s.desk.ExportAudits(r.Context(), actor, k, until, desk.MaxExportPage)
	}
	rows, err := s.desk.ExportAudits(r.Context(), actor, q.key, until, desk.MaxExportPage+1)
	if err != nil {
		return nil, 0, false, err
	}
	return timePage(rows, q, until, auditKey, fetch)
}

func (s *Server) exportTicketEvents(w http.ResponseWriter, r *http.Request) error {
	page, end, eos, err := s.auditExportPage(r)
	if err != nil {
		return err
	}
	comments := slices.Contains(strings.Split(r.URL.Query().Get("include"), ","), "comment_events")
	items := make([]map[string]any, len(page))
	for i := range page {
		items[i] = ticketEventOut(&page[i], comments)
	}
	writeJSON(w, http.StatusOK, timeBody(r, "ticket_events", items, len(items), end, eos))
	return nil
}

func userExportKey(u model.User) store.ExportKey { return store.ExportKeyAt(u.UpdatedAt).WithID(u.ID) }

func (s *Server) exportUsersCursor(w http.ResponseWriter, r *http.Request) error {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, true, until)
	if err != nil {
		return err
	}
	rows, err := s.desk.ExportUsers(r.Context(), currentUser(r.Context()), q.key, until, q.perPage+1)
	if err == nil {
		err = s.withUsersFields(r, rows)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cursorPage(r, "users", q, rows, userExportKey, func(rows []model.User) any { return s.usersOut(rows) }))
	return nil
}

func (s *Server) exportUsersTime(w http.ResponseWriter, r *http.Request) error {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, false, until)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	fetch := func(k store.ExportKey) ([]model.User, error) {
		return s.desk.ExportUsers(r.Context(), actor, k, until, desk.MaxExportPage)
	}
	rows, err := s.desk.ExportUsers(r.Context(), actor, q.key, until, desk.MaxExportPage+1)
	if err != nil {
		return err
	}
	page, end, eos, err := timePage(rows, q, until, userExportKey, fetch)
	if err == nil {
		err = s.withUsersFields(r, page)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, timeBody(r, "users", s.usersOut(page), len(page), end, eos))
	return nil
}

package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// dataRoutes registers issue 21's account-wide reads: every ticket's audits
// and the ticket metric events export.
func (s *Server) dataRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/ticket_audits", s.listAllAudits)
	handle("GET", "/incremental/ticket_metric_events", s.exportMetricEvents) // metric_events.go
}

// auditEventID is the id an audit's i-th event answers with. A Comment event
// carries its comment's id, as in Zendesk, so a client can match the event to
// GET /tickets/{id}/comments. Other events are numbered from their audit's id
// (audit id × 1000 + position): stable, unique among non-comment events, but
// one may equal some comment's id.
func auditEventID(a *model.Audit, i int) int64 {
	if a.Events[i].Type == "Comment" && a.CommentID != 0 {
		return a.CommentID
	}
	return a.ID*1000 + int64(i)
}

// listAllAudits is GET /ticket_audits: every live ticket's audits, oldest
// first, by cursor. It reads Zendesk's cursor pages (page[size], page[after]:
// meta and links) and the older cursor style go-zendesk's GetAllTicketAudits
// uses (cursor, limit: after_cursor and after_url at the top level); both
// are answered. Offset pages are a 400, as in Zendesk.
func (s *Server) listAllAudits(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Has("page") || q.Has("per_page") {
		return badRequest("ticket_audits pages by cursor only: use page[size] and page[after]")
	}
	// The older style's names are read as the newer's.
	if c := q.Get("cursor"); c != "" && !q.Has("page[after]") {
		q.Set("page[after]", c)
	}
	if l := q.Get("limit"); l != "" && !q.Has("page[size]") {
		q.Set("page[size]", l)
	}
	q.Del("cursor")
	q.Del("limit")
	r2 := *r
	u := *r.URL
	u.RawQuery = q.Encode()
	r2.URL = &u
	p, err := parsePager(&r2)
	if err != nil {
		return err
	}
	p.cursor = true
	rows, files, err := s.desk.AllAudits(r.Context(), currentUser(r.Context()), p.after, p.perPage+1)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	out := make([]auditJSON, len(rows))
	for i := range rows {
		out[i] = s.auditOutWith(&rows[i], func(id int64) []attachmentJSON { return attachmentsOut(r, model.NestThumbnails(files[id])) })
	}
	aid := func(a model.Audit) int64 { return a.ID }
	body := p.envelope(map[string]any{"audits": out}, more, firstID(rows, aid), lastID(rows, aid), -1)
	meta := body["meta"].(map[string]any)
	var afterURL any
	if more {
		afterURL = p.link(url.Values{"cursor": {meta["after_cursor"].(string)}, "limit": {strconv.Itoa(p.perPage)}})
	}
	body["after_cursor"], body["after_url"] = meta["after_cursor"], afterURL
	body["before_cursor"], body["before_url"] = nil, nil
	writeJSON(w, http.StatusOK, body)
	return nil
}

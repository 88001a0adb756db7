package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// viewRoutes registers /api/v2/views (issue 19). Permissions are the desk's;
// counts and pages are SQL queries over the ticket indexes.
func (s *Server) viewRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/views", s.listViews)
	handle("GET", "/views/active", s.listViews)
	handle("GET", "/views/count_many", s.countManyViews)
	handle("POST", "/views", s.createView)
	handle("GET", "/views/{id}", s.showView)
	handle("PUT", "/views/{id}", s.updateView)
	handle("DELETE", "/views/{id}", s.deleteView)
	handle("GET", "/views/{id}/count", s.countView)
	handle("GET", "/views/{id}/tickets", s.viewTickets)
	handle("GET", "/views/{id}/execute", s.executeView)
}

type viewJSON struct {
	ID          int64             `json:"id"`
	URL         string            `json:"url"`
	Title       string            `json:"title"`
	RawTitle    string            `json:"raw_title"`
	Description string            `json:"description"`
	Active      bool              `json:"active"`
	Position    int64             `json:"position"`
	Default     bool              `json:"default"`
	Conditions  model.Conditions  `json:"conditions"`
	Execution   viewExecutionJSON `json:"execution"`
	Restriction *restrictionJSON  `json:"restriction"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

type columnJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type viewExecutionJSON struct {
	Columns    []columnJSON `json:"columns"`
	GroupBy    any          `json:"group_by"`
	GroupOrder string       `json:"group_order"`
	SortBy     string       `json:"sort_by"`
	SortOrder  string       `json:"sort_order"`
	Group      any          `json:"group"`
	Sort       any          `json:"sort"`
}

var columnTitles = map[string]string{"status": "Status", "subject": "Subject", "requester": "Requester",
	"assignee": "Assignee", "group": "Group", "updated": "Updated", "created": "Requested", "priority": "Priority",
	"type": "Type", "nice_id": "ID", "id": "ID"}

func columnsOut(cols []string) []columnJSON {
	out := make([]columnJSON, len(cols))
	for i, c := range cols {
		out[i] = columnJSON{ID: c, Title: cmpOr(columnTitles[c], c)}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) viewOut(v *model.View) viewJSON {
	c := v.Conditions
	if c.All == nil {
		c.All = []model.Condition{}
	}
	if c.Any == nil {
		c.Any = []model.Condition{}
	}
	sort := store.ViewSortOf(v.Execution)
	order := "asc"
	if sort.Desc {
		order = "desc"
	}
	var groupBy any
	if v.Execution.GroupBy != "" {
		groupBy = v.Execution.GroupBy
	}
	exec := viewExecutionJSON{Columns: columnsOut(v.Execution.Columns), GroupBy: groupBy,
		GroupOrder: cmpOr(v.Execution.GroupOrder, "asc"), SortBy: cmpOr(v.Execution.SortBy, "updated"), SortOrder: order}
	return viewJSON{ID: v.ID, URL: fmt.Sprintf("%s/api/v2/views/%d.json", s.cfg.BaseURL, v.ID), Title: v.Title,
		RawTitle: v.Title, Description: v.Description, Active: v.Active, Position: v.Position, Default: v.ID <= 5,
		Conditions: c, Execution: exec, Restriction: restrictionOut(v.Restriction),
		CreatedAt: zt(v.CreatedAt), UpdatedAt: zt(v.UpdatedAt)}
}

// viewIn is a view as clients send it. Zendesk accepts the conditions either as
// "conditions" or, as its own UI posts them, "all"/"any" at the top level, and
// the execution either as "execution" or as "output".
type viewIn struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Active      *bool   `json:"active"`
	Position    *int64  `json:"position"`
	Conditions  *struct {
		All []conditionIn `json:"all"`
		Any []conditionIn `json:"any"`
	} `json:"conditions"`
	All         *[]conditionIn  `json:"all"`
	Any         *[]conditionIn  `json:"any"`
	Execution   *executionIn    `json:"execution"`
	Output      *executionIn    `json:"output"`
	Restriction json.RawMessage `json:"restriction"`
}

// executionIn takes columns as ids or as {id, title} objects.
type executionIn struct {
	Columns    []json.RawMessage `json:"columns"`
	GroupBy    *string           `json:"group_by"`
	GroupOrder *string           `json:"group_order"`
	SortBy     *string           `json:"sort_by"`
	SortOrder  *string           `json:"sort_order"`
}

func (e *executionIn) apply(x *model.ViewExecution) error {
	if e.Columns != nil {
		x.Columns = nil
		for _, raw := range e.Columns {
			var id string
			if json.Unmarshal(raw, &id) != nil {
				var col struct {
					ID json.RawMessage `json:"id"`
				}
				if json.Unmarshal(raw, &col) != nil {
					return recordInvalid(model.Invalid("execution.columns", "InvalidValue", "Columns: each is an id or {\"id\": ...}"))
				}
				id, _ = fieldValue(col.ID)
			}
			x.Columns = append(x.Columns, id)
		}
	}
	for _, f := range []struct {
		in  *string
		out *string
	}{{e.GroupBy, &x.GroupBy}, {e.GroupOrder, &x.GroupOrder}, {e.SortBy, &x.SortBy}, {e.SortOrder, &x.SortOrder}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	return nil
}

func (in *viewIn) apply(v *model.View) error {
	if in.Title != nil {
		v.Title = *in.Title
	}
	if in.Description != nil {
		v.Description = *in.Description
	}
	if in.Active != nil {
		v.Active = *in.Active
	}
	if in.Position != nil {
		v.Position = *in.Position
	}
	var err error
	if in.Conditions != nil {
		if v.Conditions.All, err = conditions(in.Conditions.All); err != nil {
			return err
		}
		if v.Conditions.Any, err = conditions(in.Conditions.Any); err != nil {
			return err
		}
	}
	if in.All != nil {
		if v.Conditions.All, err = conditions(*in.All); err != nil {
			return err
		}
	}
	if in.Any != nil {
		if v.Conditions.Any, err = conditions(*in.Any); err != nil {
			return err
		}
	}
	for _, e := range []*executionIn{in.Execution, in.Output} {
		if e != nil {
			if err := e.apply(&v.Execution); err != nil {
				return err
			}
		}
	}
	if in.Restriction != nil {
		if v.Restriction, err = restrictionIn(in.Restriction); err != nil {
			return err
		}
	}
	return nil
}

func decodeView(r *http.Request) (*viewIn, error) { return decodeEnvelope[viewIn](r, "view") }

func (s *Server) createView(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeView(r)
	if err != nil {
		return err
	}
	v := model.View{Active: true}
	if err := in.apply(&v); err != nil {
		return err
	}
	if v, err = s.desk.SaveTicketView(r.Context(), currentUser(r.Context()), v); err != nil {
		return err
	}
	out := s.viewOut(&v)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"view": out})
	return nil
}

func (s *Server) updateView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeView(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	v, err := s.desk.EditableTicketView(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if err := in.apply(&v); err != nil {
		return err
	}
	if v, err = s.desk.SaveTicketView(r.Context(), actor, v); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"view": s.viewOut(&v)})
	return nil
}

func (s *Server) showView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.desk.TicketView(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"view": s.viewOut(&v)})
	return nil
}

func (s *Server) deleteView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteTicketView(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listViews serves /views and /views/active (and ?active=true|false, ?access=).
func (s *Server) listViews(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	activeOnly := r.URL.Path == "/api/v2/views/active" || q.Get("active") == "true"
	rows, err := s.desk.TicketViews(r.Context(), currentUser(r.Context()), q.Get("access"), activeOnly)
	if err != nil {
		return err
	}
	out := []viewJSON{}
	for i := range rows {
		if q.Get("active") == "false" && rows[i].Active {
			continue
		}
		out = append(out, s.viewOut(&rows[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"views": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

type viewCountJSON struct {
	ViewID int64  `json:"view_id"`
	URL    string `json:"url"`
	Value  int64  `json:"value"`
	Pretty string `json:"pretty"`
	Fresh  bool   `json:"fresh"`
}

func (s *Server) viewCount(v *model.View, n int64) viewCountJSON {
	return viewCountJSON{ViewID: v.ID, URL: fmt.Sprintf("%s/api/v2/views/%d/count.json", s.cfg.BaseURL, v.ID),
		Value: n, Pretty: strconv.FormatInt(n, 10), Fresh: true}
}

func (s *Server) countView(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	v, err := s.desk.TicketView(r.Context(), actor, id)
	if err != nil {
		return err
	}
	n, err := s.desk.CountTicketView(r.Context(), actor, &v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"view_count": s.viewCount(&v, n)})
	return nil
}

// countManyViews serves /views/count_many?ids=1,2: views the caller may not see
// are left out, as Zendesk does.
func (s *Server) countManyViews(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query().Get("ids")
	if raw == "" {
		return badRequest("ids is required, e.g. ?ids=1,2,3")
	}
	parts := strings.Split(raw, ",")
	if len(parts) > desk.MaxViewCountMany {
		return badRequest(fmt.Sprintf("at most %d ids per request", desk.MaxViewCountMany))
	}
	actor := currentUser(r.Context())
	out := []viewCountJSON{}
	for _, p := range parts {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			return badRequest("ids must be a comma-separated list of view ids")
		}
		v, err := s.desk.TicketView(r.Context(), actor, id)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		n, err := s.desk.CountTicketView(r.Context(), actor, &v)
		if err != nil {
			return err
		}
		out = append(out, s.viewCount(&v, n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"view_counts": out})
	return nil
}

// viewPage runs the view for one page by number (views page by offset only).
// viewPage runs the view for one page. A cursor page's cursor holds its
// position in the view's order (views sort by any column, so there is no id
// to page after): a ticket that moves in that order between two requests may be
// skipped or shown twice, as on offset pages.
func (s *Server) viewPage(r *http.Request) (desk.ViewPage, *pager, int, error) {
	id, err := pathID(r)
	if err != nil {
		return desk.ViewPage{}, nil, 0, err
	}
	p, err := parsePager(r)
	if err != nil {
		return desk.ViewPage{}, nil, 0, err
	}
	offset := (p.page - 1) * p.perPage
	if p.cursor {
		offset = int(p.after)
	}
	var sort *store.ViewSort
	if by := r.URL.Query().Get("sort_by"); by != "" {
		o := store.ViewSortOf(model.ViewExecution{SortBy: by, SortOrder: r.URL.Query().Get("sort_order")})
		sort = &o
	}
	page, err := s.desk.RunTicketView(r.Context(), currentUser(r.Context()), id, sort, p.perPage, offset)
	return page, p, offset, err
}

// viewEnvelope adds a view page's pagination members; the next cursor is the
// position after the page.
func viewEnvelope(p *pager, body map[string]any, page *desk.ViewPage, offset int) map[string]any {
	end := offset + len(page.Tickets)
	return p.envelope(body, int64(end) < page.Count, 0, int64(end), page.Count)
}

func (s *Server) viewTickets(w http.ResponseWriter, r *http.Request) error {
	page, p, offset, err := s.viewPage(r)
	if err != nil {
		return err
	}
	body := map[string]any{"tickets": s.ticketsOut(page.Tickets)}
	if err := s.sideLoad(r, page.Tickets, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewEnvelope(p, body, &page, offset))
	return nil
}

// executeView answers Zendesk's execute shape: rows of the view's columns, the
// columns, the view and the count.
func (s *Server) executeView(w http.ResponseWriter, r *http.Request) error {
	page, p, offset, err := s.viewPage(r)
	if err != nil {
		return err
	}
	rows := make([]map[string]any, len(page.Tickets))
	for i := range page.Tickets {
		t := &page.Tickets[i]
		rows[i] = map[string]any{"ticket_id": t.ID, "subject": t.Subject, "status": t.Status, "priority": nilIfEmpty(t.Priority),
			"type": nilIfEmpty(t.Type), "requester_id": t.RequesterID, "assignee_id": optionalID(t.AssigneeID),
			"group_id": optionalID(t.GroupID), "created": zt(t.CreatedAt), "updated": zt(t.UpdatedAt),
			"ticket": map[string]any{"id": t.ID, "subject": t.Subject, "status": t.Status, "type": nilIfEmpty(t.Type),
				"priority": nilIfEmpty(t.Priority), "url": fmt.Sprintf("%s/api/v2/tickets/%d.json", s.cfg.BaseURL, t.ID)}}
	}
	body := map[string]any{"rows": rows, "columns": columnsOut(page.View.Execution.Columns),
		"view": s.viewOut(&page.View), "groups": []any{}}
	// execute's "groups" are the rows' groupings, so groups are not side-loaded here.
	if err := s.sideLoad(r, page.Tickets, body); err != nil {
		return err
	}
	body["groups"] = []any{}
	writeJSON(w, http.StatusOK, viewEnvelope(p, body, &page, offset))
	return nil
}

func optionalID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

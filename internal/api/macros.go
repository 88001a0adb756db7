package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// macroRoutes registers /api/v2/macros (issue 19). Permissions are the desk's.
func (s *Server) macroRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/macros", s.listMacros)
	handle("GET", "/macros/active", s.listMacros)
	handle("GET", "/macros/search", s.listMacros)
	handle("GET", "/macros/categories", s.macroCategories)
	handle("GET", "/macros/actions", s.macroActions)
	handle("POST", "/macros", s.createMacro)
	handle("GET", "/macros/{id}", s.showMacro)
	handle("PUT", "/macros/{id}", s.updateMacro)
	handle("DELETE", "/macros/{id}", s.deleteMacro)
	handle("GET", "/macros/{id}/apply", s.applyMacro)
	handle("GET", "/tickets/{ticket_id}/macros/{id}/apply", s.applyMacro)
}

// restrictionJSON is Zendesk's {"type": "User"|"Group", "id": n, "ids": [...]}.
type restrictionJSON struct {
	Type string  `json:"type"`
	ID   int64   `json:"id"`
	IDs  []int64 `json:"ids,omitempty"`
}

func restrictionOut(r *model.Restriction) *restrictionJSON {
	if r == nil {
		return nil
	}
	out := &restrictionJSON{Type: r.Type, IDs: r.IDs}
	if len(r.IDs) > 0 {
		out.ID = r.IDs[0]
	}
	return out
}

// restrictionIn reads a restriction; JSON null (or absent) means every agent.
func restrictionIn(raw json.RawMessage) (*model.Restriction, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var in restrictionJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, recordInvalid(model.Invalid("restriction", "InvalidValue", "restriction: must be {\"type\": \"User\" or \"Group\", \"id\": ...}"))
	}
	ids := in.IDs
	if len(ids) == 0 && in.ID != 0 {
		ids = []int64{in.ID}
	}
	return &model.Restriction{Type: in.Type, IDs: ids}, nil
}

type macroJSON struct {
	ID          int64            `json:"id"`
	URL         string           `json:"url"`
	Title       string           `json:"title"`
	RawTitle    string           `json:"raw_title"`
	Description string           `json:"description"`
	Active      bool             `json:"active"`
	Position    int64            `json:"position"`
	Default     bool             `json:"default"`
	Actions     []actionJSON     `json:"actions"`
	Restriction *restrictionJSON `json:"restriction"`
	CreatedAt   string           `json:"created_at"`
	UpdatedAt   string           `json:"updated_at"`
}

func (s *Server) macroOut(m *model.Macro) macroJSON {
	acts := make([]actionJSON, len(m.Actions))
	for i, a := range m.Actions {
		var v any = a.Value
		if len(a.Value) == 1 {
			v = a.Value[0]
		}
		acts[i] = actionJSON{Field: a.Field, Value: v}
	}
	return macroJSON{ID: m.ID, URL: fmt.Sprintf("%s/api/v2/macros/%d.json", s.cfg.BaseURL, m.ID), Title: m.Title,
		RawTitle: m.Title, Description: m.Description, Active: m.Active, Position: m.Position, Actions: acts,
		Restriction: restrictionOut(m.Restriction), CreatedAt: zt(m.CreatedAt), UpdatedAt: zt(m.UpdatedAt)}
}

type macroIn struct {
	Title       *string         `json:"title"`
	Description *string         `json:"description"`
	Active      *bool           `json:"active"`
	Position    *int64          `json:"position"`
	Restriction json.RawMessage `json:"restriction"`
	Actions     *[]struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	} `json:"actions"`
}

// apply merges the body onto m: a PUT changes only what it names.
func (in *macroIn) apply(m *model.Macro) error {
	if in.Title != nil {
		m.Title = *in.Title
	}
	if in.Description != nil {
		m.Description = *in.Description
	}
	if in.Active != nil {
		m.Active = *in.Active
	}
	if in.Position != nil {
		m.Position = *in.Position
	}
	if in.Restriction != nil {
		var err error
		if m.Restriction, err = restrictionIn(in.Restriction); err != nil {
			return err
		}
	}
	if in.Actions != nil {
		m.Actions = nil
		for i, a := range *in.Actions {
			list, err := actionValue(a.Value)
			if err != nil {
				return recordInvalid(model.Invalid(fmt.Sprintf("actions[%d]", i), "InvalidValue", "actions[%d]: value must be a string or a list of strings", i))
			}
			m.Actions = append(m.Actions, model.Action{Field: a.Field, Value: list})
		}
	}
	return nil
}

func decodeMacro(r *http.Request) (*macroIn, error) { return decodeEnvelope[macroIn](r, "macro") }

func (s *Server) createMacro(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeMacro(r)
	if err != nil {
		return err
	}
	m := model.Macro{Active: true}
	if err := in.apply(&m); err != nil {
		return err
	}
	if m, err = s.desk.SaveMacro(r.Context(), currentUser(r.Context()), m); err != nil {
		return err
	}
	out := s.macroOut(&m)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"macro": out})
	return nil
}

func (s *Server) updateMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeMacro(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	m, err := s.desk.EditableMacro(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if err := in.apply(&m); err != nil {
		return err
	}
	if m, err = s.desk.SaveMacro(r.Context(), actor, m); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"macro": s.macroOut(&m)})
	return nil
}

func (s *Server) showMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.desk.Macro(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"macro": s.macroOut(&m)})
	return nil
}

func (s *Server) deleteMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteMacro(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listMacros serves /macros, /macros/active and /macros/search?query=.
func (s *Server) listMacros(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := desk.MacroFilter{Access: q.Get("access"), Category: q.Get("category"), SortBy: q.Get("sort_by"),
		Descending: q.Get("sort_order") == "desc"}
	switch r.URL.Path {
	case "/api/v2/macros/active":
		f.Active = new(bool)
		*f.Active = true
	case "/api/v2/macros/search":
		if f.Query = q.Get("query"); f.Query == "" {
			return badRequest("query is required, e.g. ?query=reset")
		}
	}
	if a := q.Get("active"); a == "true" || a == "false" {
		active := a == "true"
		f.Active = &active
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, err := s.desk.Macros(r.Context(), currentUser(r.Context()), f)
	if err != nil {
		return err
	}
	start := min(len(rows), (p.page-1)*p.perPage)
	shown := rows[start:min(len(rows), start+p.perPage)]
	out := make([]macroJSON, len(shown))
	for i := range shown {
		out[i] = s.macroOut(&shown[i])
	}
	p.cursor = false // a macro list is short: pages by number only
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"macros": out}, start+len(shown) < len(rows), 0, 0, int64(len(rows))))
	return nil
}

func (s *Server) macroCategories(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.desk.Macros(r.Context(), currentUser(r.Context()), desk.MacroFilter{})
	if err != nil {
		return err
	}
	cats := []string{}
	for i := range rows {
		if c := desk.MacroCategory(&rows[i]); c != "" && !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	slices.Sort(cats)
	writeJSON(w, http.StatusOK, map[string]any{"categories": cats})
	return nil
}

// macroActions lists the action fields a macro accepts (Zendesk's
// /macros/actions, without the per-field value lists).
func (s *Server) macroActions(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	type def struct {
		Title    string `json:"title"`
		Value    string `json:"value"`
		Group    string `json:"group"`
		Nullable bool   `json:"nullable"`
		Repeats  bool   `json:"repeatable"`
	}
	out := []def{
		{"Status", "status", "ticket", false, false}, {"Priority", "priority", "ticket", true, false},
		{"Type", "type", "ticket", true, false}, {"Group", "group_id", "ticket", true, false},
		{"Assignee", "assignee_id", "ticket", true, false}, {"Form", "ticket_form_id", "ticket", true, false},
		{"Set tags", "set_tags", "ticket", true, false}, {"Add tags", "current_tags", "ticket", false, false},
		{"Remove tags", "remove_tags", "ticket", false, false},
		{"Comment/description", "comment_value", "ticket", false, true},
		{"Comment/description (HTML)", "comment_value_html", "ticket", false, true},
		{"Comment mode", "comment_mode_is_public", "ticket", false, false},
	}
	writeJSON(w, http.StatusOK, map[string]any{"actions": out})
	return nil
}

// applyMacro serves /macros/{id}/apply and /tickets/{ticket_id}/macros/{id}/apply:
// what the macro would do, in Zendesk's {"result": {"ticket": ..., "comment": ...}}
// shape. Nothing is saved.
func (s *Server) applyMacro(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var ticketID int64
	if raw := r.PathValue("ticket_id"); raw != "" {
		if ticketID, err = strconv.ParseInt(raw, 10, 64); err != nil || ticketID <= 0 {
			return errNotFound
		}
	}
	res, err := s.desk.ApplyMacro(r.Context(), currentUser(r.Context()), id, ticketID)
	if err != nil {
		return err
	}
	ticket := map[string]any{}
	if ticketID != 0 {
		full, err := json.Marshal(s.ticketOut(&res.Ticket))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(full, &ticket); err != nil {
			return err
		}
	} else {
		// No ticket: only the fields the macro sets, as Zendesk answers.
		for _, e := range res.Events {
			ticket[e.FieldName] = e.Value
		}
	}
	result := map[string]any{"ticket": ticket}
	if res.HasComment {
		comment := map[string]any{"body": res.Comment, "html_body": res.CommentHTML, "public": res.Public,
			"scoped_body": [][]string{{"channel:all", res.Comment}}}
		if res.CommentHTML == "" {
			comment["html_body"] = nil
		}
		ticket["comment"], result["comment"] = comment, comment
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": result})
	return nil
}

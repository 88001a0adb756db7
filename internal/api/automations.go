package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// automationRoutes adds Zendesk's automations API. Automations run on a
// schedule (see jobs), never on a request.
func (s *Server) automationRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/automations", s.listAutomations)
	handle("GET", "/automations/active", s.listAutomations)
	handle("GET", "/automations/search", s.searchAutomations)
	handle("POST", "/automations", s.createAutomation)
	handle("GET", "/automations/{id}", s.showAutomation)
	handle("PUT", "/automations/{id}", s.updateAutomation)
	handle("DELETE", "/automations/{id}", s.deleteAutomation)
}

func (s *Server) automationOut(a *model.Automation) triggerJSON {
	out := s.triggerOut(&model.Trigger{ID: a.ID, Title: a.Title, Description: a.Description, Active: a.Active,
		Position: a.Position, Conditions: a.Conditions, Actions: a.Actions, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt})
	out.URL = fmt.Sprintf("%s/api/v2/automations/%d.json", s.cfg.BaseURL, a.ID)
	out.Default = a.Default
	return out
}

func (s *Server) automationsOut(w http.ResponseWriter, list []model.Automation) {
	out := make([]triggerJSON, len(list))
	for i := range list {
		out[i] = s.automationOut(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"automations": out, "count": len(out), "next_page": nil, "previous_page": nil})
}

// decodeAutomation reads {"automation": {...}}: a trigger's shape.
func decodeAutomation(r *http.Request) (*triggerIn, error) {
	return decodeEnvelope[triggerIn](r, "automation")
}

// applyAutomation merges the body onto a (a PUT changes only what it names).
func applyAutomation(in *triggerIn, a *model.Automation) error {
	t := model.Trigger{Title: a.Title, Description: a.Description, Active: a.Active, Position: a.Position,
		Conditions: a.Conditions, Actions: a.Actions}
	if err := in.apply(&t); err != nil {
		return err
	}
	a.Title, a.Description, a.Active, a.Position = t.Title, t.Description, t.Active, t.Position
	a.Conditions, a.Actions = t.Conditions, t.Actions
	return nil
}

func (s *Server) createAutomation(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeAutomation(r)
	if err != nil {
		return err
	}
	a := model.Automation{Active: true}
	if err := applyAutomation(in, &a); err != nil {
		return err
	}
	if a, err = s.desk.SaveAutomation(r.Context(), currentUser(r.Context()), a); err != nil {
		return err
	}
	out := s.automationOut(&a)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"automation": out})
	return nil
}

func (s *Server) updateAutomation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeAutomation(r)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	a, err := s.desk.Automation(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if err := applyAutomation(in, &a); err != nil {
		return err
	}
	if a, err = s.desk.SaveAutomation(r.Context(), actor, a); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"automation": s.automationOut(&a)})
	return nil
}

func (s *Server) showAutomation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.desk.Automation(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"automation": s.automationOut(&a)})
	return nil
}

func (s *Server) deleteAutomation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteAutomation(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listAutomations serves /automations (?active=true) and /automations/active.
func (s *Server) listAutomations(w http.ResponseWriter, r *http.Request) error {
	activeOnly := r.URL.Path == "/api/v2/automations/active" || r.URL.Query().Get("active") == "true"
	list, err := s.desk.Automations(r.Context(), currentUser(r.Context()), activeOnly)
	if err != nil {
		return err
	}
	s.automationsOut(w, list)
	return nil
}

// searchAutomations serves /automations/search?query=...&active=true|false.
func (s *Server) searchAutomations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("query") == "" {
		return recordInvalid(model.Invalid("query", "BlankValue", "query: is required"))
	}
	var active *bool
	if v := q.Get("active"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return recordInvalid(model.Invalid("active", "InvalidValue", "active: must be true or false"))
		}
		active = &b
	}
	list, err := s.desk.SearchAutomations(r.Context(), currentUser(r.Context()), q.Get("query"), active)
	if err != nil {
		return err
	}
	s.automationsOut(w, list)
	return nil
}

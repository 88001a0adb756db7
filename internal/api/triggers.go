package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

// actionJSON is Zendesk's {field, value} where value is a string or a list.
type actionJSON struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

type triggerJSON struct {
	ID          int64            `json:"id"`
	URL         string           `json:"url"`
	Title       string           `json:"title"`
	RawTitle    string           `json:"raw_title"`
	Description string           `json:"description"`
	Active      bool             `json:"active"`
	Position    int64            `json:"position"`
	Default     bool             `json:"default"`
	CategoryID  any              `json:"category_id"`
	Conditions  model.Conditions `json:"conditions"`
	Actions     []actionJSON     `json:"actions"`
	CreatedAt   string           `json:"created_at"`
	UpdatedAt   string           `json:"updated_at"`
}

func (s *Server) triggerOut(t *model.Trigger) triggerJSON {
	acts := make([]actionJSON, len(t.Actions))
	for i, a := range t.Actions {
		var v any = a.Value
		if len(a.Value) == 1 && a.Field != "notification_webhook" && a.Field != "notification_target" {
			v = a.Value[0]
		}
		acts[i] = actionJSON{Field: a.Field, Value: v}
	}
	c := t.Conditions
	if c.All == nil {
		c.All = []model.Condition{}
	}
	if c.Any == nil {
		c.Any = []model.Condition{}
	}
	return triggerJSON{ID: t.ID, URL: fmt.Sprintf("%s/api/v2/triggers/%d.json", s.cfg.BaseURL, t.ID), Title: t.Title,
		RawTitle: t.Title, Description: t.Description, Active: t.Active, Position: t.Position, Conditions: c,
		Actions: acts, CreatedAt: zt(t.CreatedAt), UpdatedAt: zt(t.UpdatedAt)}
}

type triggerIn struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Active      *bool   `json:"active"`
	Position    *int64  `json:"position"`
	Conditions  *struct {
		All []conditionIn `json:"all"`
		Any []conditionIn `json:"any"`
	} `json:"conditions"`
	Actions *[]struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	} `json:"actions"`
}

// conditionIn accepts a condition value as a string, number, boolean or null.
type conditionIn struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

func conditions(in []conditionIn) ([]model.Condition, error) {
	out := make([]model.Condition, 0, len(in))
	for _, c := range in {
		v, err := fieldValue(c.Value)
		if err != nil {
			return nil, recordInvalid(model.Invalid("conditions", "InvalidValue", "conditions: value of %s must be a string", c.Field))
		}
		out = append(out, model.Condition{Field: c.Field, Operator: c.Operator, Value: v})
	}
	return out, nil
}

// apply merges the body onto t (a PUT changes only what it names).
func (in *triggerIn) apply(t *model.Trigger) error {
	if in.Title != nil {
		t.Title = *in.Title
	}
	if in.Description != nil {
		t.Description = *in.Description
	}
	if in.Active != nil {
		t.Active = *in.Active
	}
	if in.Position != nil {
		t.Position = *in.Position
	}
	if in.Conditions != nil {
		var err error
		if t.Conditions.All, err = conditions(in.Conditions.All); err != nil {
			return err
		}
		if t.Conditions.Any, err = conditions(in.Conditions.Any); err != nil {
			return err
		}
	}
	if in.Actions != nil {
		t.Actions = nil
		for i, a := range *in.Actions {
			list, err := actionValue(a.Value)
			if err != nil {
				return recordInvalid(model.Invalid(fmt.Sprintf("actions[%d]", i), "InvalidValue", "actions[%d]: value must be a string or a list of strings", i))
			}
			t.Actions = append(t.Actions, model.Action{Field: a.Field, Value: list})
		}
	}
	return nil
}

// actionValue reads an action's value: a scalar or a list whose items may be
// strings or numbers (clients send notification_target ids as numbers).
func actionValue(raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		v, err := fieldValue(raw)
		return []string{v}, err
	}
	list := make([]string, len(items))
	for i, item := range items {
		var err error
		if list[i], err = fieldValue(item); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func decodeTrigger(r *http.Request) (*triggerIn, error) {
	return decodeEnvelope[triggerIn](r, "trigger")
}

func (s *Server) createTrigger(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeTrigger(r)
	if err != nil {
		return err
	}
	t := model.Trigger{Active: true}
	if err := in.apply(&t); err != nil {
		return err
	}
	t, err = s.desk.SaveTrigger(r.Context(), currentUser(r.Context()), t)
	if err != nil {
		return err
	}
	out := s.triggerOut(&t)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"trigger": out})
	return nil
}

func (s *Server) updateTrigger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeTrigger(r)
	if err != nil {
		return err
	}
	t, err := s.desk.UpdateTrigger(r.Context(), currentUser(r.Context()), id, in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"trigger": s.triggerOut(&t)})
	return nil
}

func (s *Server) showTrigger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	t, err := s.desk.Trigger(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"trigger": s.triggerOut(&t)})
	return nil
}

func (s *Server) deleteTrigger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteTrigger(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listTriggers serves /triggers and /triggers/active.
func (s *Server) listTriggers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	activeOnly := r.URL.Path == "/api/v2/triggers/active" || r.URL.Query().Get("active") == "true"
	rows, err := s.desk.Triggers(r.Context(), currentUser(r.Context()), activeOnly)
	if err != nil {
		return err
	}
	out := make([]triggerJSON, len(rows))
	for i := range rows {
		out[i] = s.triggerOut(&rows[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"triggers": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

func (s *Server) reorderTriggers(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		TriggerIDs []int64 `json:"trigger_ids"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := s.desk.ReorderTriggers(r.Context(), currentUser(r.Context()), body.TriggerIDs); err != nil {
		return err
	}
	return s.listTriggers(w, r)
}

package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// ticketFieldJSON is a custom ticket field in Zendesk's shape.
type ticketFieldJSON struct {
	ID                  int64        `json:"id"`
	URL                 string       `json:"url"`
	Type                string       `json:"type"`
	Title               string       `json:"title"`
	RawTitle            string       `json:"raw_title"`
	Description         string       `json:"description"`
	RawDescription      string       `json:"raw_description"`
	Position            int64        `json:"position"`
	Active              bool         `json:"active"`
	Required            bool         `json:"required"`
	CollapsedForAgents  bool         `json:"collapsed_for_agents"`
	RegexpForValidation any          `json:"regexp_for_validation"`
	TitleInPortal       string       `json:"title_in_portal"`
	RawTitleInPortal    string       `json:"raw_title_in_portal"`
	VisibleInPortal     bool         `json:"visible_in_portal"`
	EditableInPortal    bool         `json:"editable_in_portal"`
	RequiredInPortal    bool         `json:"required_in_portal"`
	Tag                 any          `json:"tag"`
	Removable           bool         `json:"removable"`
	AgentDescription    any          `json:"agent_description"`
	CustomFieldOptions  []optionJSON `json:"custom_field_options,omitempty"`
	CreatedAt           string       `json:"created_at"`
	UpdatedAt           string       `json:"updated_at"`
}

type optionJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	RawName  string `json:"raw_name"`
	Value    string `json:"value"`
	Position int    `json:"position"`
	Default  bool   `json:"default"`
	URL      string `json:"url"`
}

func (s *Server) fieldOut(f *model.TicketField) ticketFieldJSON {
	url := fmt.Sprintf("%s/api/v2/ticket_fields/%d.json", s.cfg.BaseURL, f.ID)
	out := ticketFieldJSON{ID: f.ID, URL: url, Type: f.Type, Title: f.Title, RawTitle: f.Title,
		Description: f.Description, RawDescription: f.Description, Position: f.Position, Active: f.Active,
		Required: f.Required, RegexpForValidation: nullable(f.RegexpForValidation), TitleInPortal: f.Title,
		RawTitleInPortal: f.Title, Tag: nullable(f.Tag), Removable: true, CreatedAt: zt(f.CreatedAt), UpdatedAt: zt(f.UpdatedAt)}
	if f.Type == model.FieldTagger {
		out.CustomFieldOptions = optionsOut(fmt.Sprintf("%s/api/v2/ticket_fields/%d", s.cfg.BaseURL, f.ID), f.Options)
	}
	return out
}

// optionsOut renders a dropdown's options; base is its field's URL without
// ".json".
func optionsOut(base string, opts []model.FieldOption) []optionJSON {
	out := make([]optionJSON, len(opts))
	for i, o := range opts {
		out[i] = optionJSON{ID: o.ID, Name: o.Name, RawName: o.Name, Value: o.Value, Position: i,
			URL: fmt.Sprintf("%s/options/%d.json", base, o.ID)}
	}
	return out
}

// optionsIn reads a write's custom_field_options; nil when it left them out.
func optionsIn(in *[]optionIn) *[]model.FieldOption {
	if in == nil {
		return nil
	}
	opts := make([]model.FieldOption, len(*in))
	for i, o := range *in {
		opts[i] = model.FieldOption{ID: o.ID.Val, Name: o.Name, Value: o.Value}
	}
	return &opts
}

// ticketFieldIn is the "ticket_field" object of a create or update.
type ticketFieldIn struct {
	Type                *string     `json:"type"`
	Title               *string     `json:"title"`
	Description         *string     `json:"description"`
	Active              *bool       `json:"active"`
	Required            *bool       `json:"required"`
	RegexpForValidation *string     `json:"regexp_for_validation"`
	Tag                 *string     `json:"tag"`
	Position            *int64      `json:"position"`
	CustomFieldOptions  *[]optionIn `json:"custom_field_options"`
}

type optionIn struct {
	ID    optID  `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

func decodeField(r *http.Request) (desk.FieldInput, error) {
	f, err := decodeEnvelope[ticketFieldIn](r, "ticket_field")
	if err != nil {
		return desk.FieldInput{}, err
	}
	if f.Type != nil && *f.Type == "" {
		f.Type = nil // go-zendesk always sends "type", empty when the caller left it out
	}
	in := desk.FieldInput{Type: f.Type, Title: f.Title, Description: f.Description, Active: f.Active, Required: f.Required,
		Regexp: f.RegexpForValidation, Tag: f.Tag, Position: f.Position, Options: optionsIn(f.CustomFieldOptions)}
	return in, nil
}

func (s *Server) listFields(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	rows, err := s.desk.Fields(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]ticketFieldJSON, len(rows))
	for i := range rows {
		out[i] = s.fieldOut(&rows[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_fields": out, "next_page": nil, "previous_page": nil, "count": len(out)})
	return nil
}

func (s *Server) countFields(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	rows, err := s.desk.Fields(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": len(rows), "refreshed_at": zt(time.Now())}})
	return nil
}

func (s *Server) showField(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadField(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_field": s.fieldOut(&f)})
	return nil
}

func (s *Server) loadField(r *http.Request) (model.TicketField, error) {
	id, err := pathID(r)
	if err != nil {
		return model.TicketField{}, err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return model.TicketField{}, err
	}
	return s.desk.Field(r.Context(), currentUser(r.Context()), id)
}

func (s *Server) listFieldOptions(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadField(r)
	if err != nil {
		return err
	}
	opts := s.fieldOut(&f).CustomFieldOptions
	if opts == nil {
		opts = []optionJSON{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"custom_field_options": opts, "next_page": nil, "previous_page": nil, "count": len(opts)})
	return nil
}

func (s *Server) createField(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeField(r)
	if err != nil {
		return err
	}
	f, err := s.desk.SaveField(r.Context(), currentUser(r.Context()), 0, in)
	if err != nil {
		return err
	}
	out := s.fieldOut(&f)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"ticket_field": out})
	return nil
}

func (s *Server) updateField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeField(r)
	if err != nil {
		return err
	}
	f, err := s.desk.SaveField(r.Context(), currentUser(r.Context()), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_field": s.fieldOut(&f)})
	return nil
}

func (s *Server) deleteField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteField(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

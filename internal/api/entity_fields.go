package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// entityFieldRoutes registers /user_fields and /organization_fields: the same
// resource for two entities, in Zendesk's shapes.
func (s *Server) entityFieldRoutes(handle func(method, path string, h handlerFunc)) {
	for entity, path := range map[string]string{model.EntityUser: "/user_fields", model.EntityOrganization: "/organization_fields"} {
		handle("GET", path, s.listEntityFields(entity))
		handle("POST", path, s.saveEntityField(entity))
		handle("GET", path+"/{id}", s.showEntityField(entity))
		handle("PUT", path+"/{id}", s.saveEntityField(entity))
		handle("DELETE", path+"/{id}", s.deleteEntityField(entity))
	}
}

// entityFieldJSON is a user or organization field in Zendesk's shape.
type entityFieldJSON struct {
	ID                  int64        `json:"id"`
	URL                 string       `json:"url"`
	Key                 string       `json:"key"`
	Type                string       `json:"type"`
	Title               string       `json:"title"`
	RawTitle            string       `json:"raw_title"`
	Description         string       `json:"description"`
	RawDescription      string       `json:"raw_description"`
	Position            int64        `json:"position"`
	Active              bool         `json:"active"`
	System              bool         `json:"system"`
	RegexpForValidation any          `json:"regexp_for_validation"`
	Tag                 any          `json:"tag"`
	CustomFieldOptions  []optionJSON `json:"custom_field_options,omitempty"`
	CreatedAt           string       `json:"created_at"`
	UpdatedAt           string       `json:"updated_at"`
}

func (s *Server) entityFieldOut(f *model.EntityField) entityFieldJSON {
	url := fmt.Sprintf("%s/api/v2/%s_fields/%d.json", s.cfg.BaseURL, f.Entity, f.ID)
	out := entityFieldJSON{ID: f.ID, URL: url, Key: f.Key, Type: f.Type, Title: f.Title, RawTitle: f.Title,
		Description: f.Description, RawDescription: f.Description, Position: f.Position, Active: f.Active,
		RegexpForValidation: nullable(f.RegexpForValidation), Tag: nullable(f.Tag), CreatedAt: zt(f.CreatedAt), UpdatedAt: zt(f.UpdatedAt)}
	if len(f.Options) > 0 {
		out.CustomFieldOptions = optionsOut(strings.TrimSuffix(url, ".json"), f.Options)
	}
	return out
}

// entityFieldIn is the "user_field" (or "organization_field") of a write.
// go-zendesk's OrganizationField also sends relationship_target_type and
// relationship_filter, for lookup fields; they are read and must be empty.
type entityFieldIn struct {
	Key                    *string     `json:"key"`
	Type                   *string     `json:"type"`
	Title                  *string     `json:"title"`
	Description            *string     `json:"description"`
	Active                 *bool       `json:"active"`
	RegexpForValidation    *string     `json:"regexp_for_validation"`
	Tag                    *string     `json:"tag"`
	Position               *int64      `json:"position"`
	CustomFieldOptions     *[]optionIn `json:"custom_field_options"`
	RelationshipTargetType string      `json:"relationship_target_type"`
}

func decodeEntityField(r *http.Request, entity string) (desk.EntityFieldInput, error) {
	f, err := decodeEnvelope[entityFieldIn](r, entity+"_field")
	if err != nil {
		return desk.EntityFieldInput{}, err
	}
	if f.RelationshipTargetType != "" {
		return desk.EntityFieldInput{}, recordInvalid(model.Invalid("relationship_target_type", "InvalidValue",
			"Relationship target type: lookup fields are not offered"))
	}
	if f.Type != nil && *f.Type == "" {
		f.Type = nil // go-zendesk always sends "type", empty when the caller left it out
	}
	in := desk.EntityFieldInput{Key: f.Key, Type: f.Type, Title: f.Title, Description: f.Description, Active: f.Active,
		Regexp: f.RegexpForValidation, Tag: f.Tag, Position: f.Position, Options: optionsIn(f.CustomFieldOptions)}
	if f.Key != nil && *f.Key == "" && r.Method == http.MethodPut {
		in.Key = nil // go-zendesk's OrganizationField always sends "key"
	}
	return in, nil
}

// listEntityFields pages the fields in their order; a cursor holds the
// position in that order.
func (s *Server) listEntityFields(entity string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := parsePager(r)
		if err != nil {
			return err
		}
		rows, err := s.desk.EntityFields(r.Context(), currentUser(r.Context()), entity)
		if err != nil {
			return err
		}
		start := (p.page - 1) * p.perPage
		if p.cursor {
			start = int(p.after)
		}
		start = min(start, len(rows))
		end := min(start+p.perPage, len(rows))
		out := make([]entityFieldJSON, 0, end-start)
		for i := start; i < end; i++ {
			out = append(out, s.entityFieldOut(&rows[i]))
		}
		writeJSON(w, http.StatusOK, p.envelope(map[string]any{entity + "_fields": out}, end < len(rows), 0, int64(end), int64(len(rows))))
		return nil
	}
}

func (s *Server) showEntityField(entity string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		f, err := s.desk.EntityField(r.Context(), currentUser(r.Context()), entity, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{entity + "_field": s.entityFieldOut(&f)})
		return nil
	}
}

// saveEntityField is POST (201, Location) and PUT /{id} (200).
func (s *Server) saveEntityField(entity string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var id int64
		if r.PathValue("id") != "" {
			var err error
			if id, err = pathID(r); err != nil {
				return err
			}
		}
		in, err := decodeEntityField(r, entity)
		if err != nil {
			return err
		}
		f, err := s.desk.SaveEntityField(r.Context(), currentUser(r.Context()), entity, id, in)
		if err != nil {
			return err
		}
		out := s.entityFieldOut(&f)
		status := http.StatusOK
		if id == 0 {
			status = http.StatusCreated
			w.Header().Set("Location", out.URL)
		}
		writeJSON(w, status, map[string]any{entity + "_field": out})
		return nil
	}
}

func (s *Server) deleteEntityField(entity string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := s.desk.DeleteEntityField(r.Context(), currentUser(r.Context()), entity, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

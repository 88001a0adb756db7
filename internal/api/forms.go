package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// ticketFormJSON is a ticket form in Zendesk's shape.
type ticketFormJSON struct {
	ID                 int64   `json:"id"`
	URL                string  `json:"url"`
	Name               string  `json:"name"`
	RawName            string  `json:"raw_name"`
	DisplayName        string  `json:"display_name"`
	RawDisplayName     string  `json:"raw_display_name"`
	EndUserVisible     bool    `json:"end_user_visible"`
	Position           int64   `json:"position"`
	TicketFieldIDs     []int64 `json:"ticket_field_ids"`
	Active             bool    `json:"active"`
	Default            bool    `json:"default"`
	InAllBrands        bool    `json:"in_all_brands"`
	RestrictedBrandIDs []int64 `json:"restricted_brand_ids"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
}

func (s *Server) formOut(f *model.TicketForm) ticketFormJSON {
	ids := f.TicketFieldIDs
	if ids == nil {
		ids = []int64{}
	}
	return ticketFormJSON{ID: f.ID, URL: fmt.Sprintf("%s/api/v2/ticket_forms/%d.json", s.cfg.BaseURL, f.ID),
		Name: f.Name, RawName: f.Name, DisplayName: f.DisplayName, RawDisplayName: f.DisplayName,
		EndUserVisible: f.EndUserVisible, Position: f.Position, TicketFieldIDs: ids, Active: f.Active,
		Default: f.Default, InAllBrands: true, RestrictedBrandIDs: []int64{}, CreatedAt: zt(f.CreatedAt), UpdatedAt: zt(f.UpdatedAt)}
}

// ticketFormIn is the "ticket_form" object of a create or update.
type ticketFormIn struct {
	Name           *string  `json:"name"`
	DisplayName    *string  `json:"display_name"`
	Position       *int64   `json:"position"`
	Active         *bool    `json:"active"`
	Default        *bool    `json:"default"`
	EndUserVisible *bool    `json:"end_user_visible"`
	TicketFieldIDs *[]int64 `json:"ticket_field_ids"`
}

func decodeForm(r *http.Request) (desk.FormInput, error) {
	f, err := decodeEnvelope[ticketFormIn](r, "ticket_form")
	if err != nil {
		return desk.FormInput{}, err
	}
	return desk.FormInput{Name: f.Name, DisplayName: f.DisplayName, Position: f.Position, Active: f.Active,
		Default: f.Default, EndUserVisible: f.EndUserVisible, TicketFieldIDs: f.TicketFieldIDs}, nil
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.desk.Forms(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	out := make([]ticketFormJSON, 0, len(rows))
	for i := range rows {
		f := &rows[i]
		if (q.Get("active") == "true" && !f.Active) || (q.Get("end_user_visible") == "true" && !f.EndUserVisible) {
			continue
		}
		out = append(out, s.formOut(f))
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_forms": out, "next_page": nil, "previous_page": nil, "count": len(out)})
	return nil
}

func (s *Server) showForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.desk.Form(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_form": s.formOut(&f)})
	return nil
}

func (s *Server) createForm(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeForm(r)
	if err != nil {
		return err
	}
	f, err := s.desk.SaveForm(r.Context(), currentUser(r.Context()), 0, in)
	if err != nil {
		return err
	}
	out := s.formOut(&f)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"ticket_form": out})
	return nil
}

func (s *Server) updateForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeForm(r)
	if err != nil {
		return err
	}
	f, err := s.desk.SaveForm(r.Context(), currentUser(r.Context()), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_form": s.formOut(&f)})
	return nil
}

func (s *Server) deleteForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteForm(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// fieldsData is the ticket fields and forms pages: the lists and a create form.
type fieldsData struct {
	Fields []model.TicketField
	Forms  []formRow
	Types  []string
	Form   url.Values
	Errors []string
}

// formRow is a ticket form with its fields' titles.
type formRow struct {
	Form   model.TicketForm
	Fields []string
}

func (s *Server) fieldsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderFields(w, r, rq, http.StatusOK, &fieldsData{Form: url.Values{"type": {model.FieldText}}})
}

func (s *Server) renderFields(w http.ResponseWriter, r *http.Request, rq *request, status int, d *fieldsData) error {
	var err error
	if d.Fields, err = s.desk.Fields(r.Context(), rq.user); err != nil {
		return err
	}
	d.Types = desk.FieldTypes
	s.render(w, r, rq, status, "fields.html", "Ticket fields", d)
	return nil
}

// createField creates a custom field through desk.SaveField. Dropdown options
// come one per line as "Name" or "Name | tag".
func (s *Server) createField(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := r.PostForm
	typ, title, desc, re := f.Get("type"), f.Get("title"), f.Get("description"), f.Get("regexp")
	required := f.Get("required") == "true"
	in := desk.FieldInput{Type: &typ, Title: &title, Description: &desc, Required: &required, Regexp: &re}
	if typ == model.FieldTagger {
		opts := parseOptions(f.Get("options"))
		in.Options = &opts
	}
	_, err := s.desk.SaveField(r.Context(), rq.user, 0, in)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderFields(w, r, rq, http.StatusUnprocessableEntity, &fieldsData{Form: f, Errors: validationMessages(ve)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/fields?flash=saved", http.StatusSeeOther)
	return nil
}

// parseOptions reads dropdown options, one per line: "Name" or "Name | tag".
func parseOptions(text string) []model.FieldOption {
	var out []model.FieldOption
	for _, line := range strings.Split(text, "\n") {
		name, tag, _ := strings.Cut(line, "|")
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, model.FieldOption{Name: name, Value: strings.TrimSpace(tag)})
		}
	}
	return out
}

func (s *Server) formsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderForms(w, r, rq, http.StatusOK, &fieldsData{Form: url.Values{}})
}

func (s *Server) renderForms(w http.ResponseWriter, r *http.Request, rq *request, status int, d *fieldsData) error {
	n := &names{groups: map[int64]string{}, fields: map[int64]*model.TicketField{}}
	if err := s.loadCatalog(r.Context(), rq.user, n); err != nil {
		return err
	}
	d.Fields = n.fieldList
	for _, f := range n.forms {
		row := formRow{Form: f}
		for _, id := range f.TicketFieldIDs {
			row.Fields = append(row.Fields, n.fieldLabel(itoa(id)))
		}
		d.Forms = append(d.Forms, row)
	}
	s.render(w, r, rq, status, "forms.html", "Ticket forms", d)
	return nil
}

// createForm creates a ticket form listing the checked fields, in list order.
func (s *Server) createForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := r.PostForm
	name := f.Get("name")
	isDefault := f.Get("default") == "true"
	var ids []int64
	for _, raw := range f["field_ids"] {
		id, err := parseOptionalID(raw)
		if err != nil || id == 0 {
			return &httpError{http.StatusBadRequest, "A field choice is not valid."}
		}
		ids = append(ids, id)
	}
	_, err := s.desk.SaveForm(r.Context(), rq.user, 0, desk.FormInput{Name: &name, Default: &isDefault, TicketFieldIDs: &ids})
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderForms(w, r, rq, http.StatusUnprocessableEntity, &fieldsData{Form: f, Errors: validationMessages(ve)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/forms?flash=saved", http.StatusSeeOther)
	return nil
}

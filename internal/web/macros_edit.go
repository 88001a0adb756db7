package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// The macro editor (/macros): every agent lists the macros they may use and
// creates, edits and deletes macros; an agent's are personal (desk decides,
// as for the API: personalDefault and mayChange), an admin chooses. Actions
// are rows like the trigger form's; the comment is its own box.

// macroEdit is the macro form.
type macroEdit struct {
	ID               int64
	Title            string
	Active, Personal bool
	Comment          string
	Public           bool
	Actions          []actRow
	Errors           []string
	MayShare         bool
	Suggest          []string
}

// macroActions are the actions the form suggests (rules/validate.go decides).
var macroActions = []string{"status", "priority", "type", "group_id", "assignee_id", "set_tags", "current_tags", "remove_tags", "subject"}

func (s *Server) macrosPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	list, err := s.desk.Macros(r.Context(), rq.user, desk.MacroFilter{SortBy: "alphabetical"})
	if err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "macros_edit.html", "Macros", map[string]any{"List": list})
	return nil
}

func (s *Server) newMacroForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderMacro(w, r, rq, http.StatusOK, &macroEdit{Active: true, Personal: true})
}

func (s *Server) editMacroForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.desk.Macro(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	e := &macroEdit{ID: m.ID, Title: m.Title, Active: m.Active, Personal: m.Restriction.Personal(), Public: true}
	for _, a := range m.Actions {
		v := strings.Join(a.Value, " ")
		switch a.Field {
		case "comment_value", "comment_value_html":
			e.Comment = v
		case "comment_mode_is_public":
			e.Public = v != "false"
		default:
			e.Actions = append(e.Actions, actRow{Field: a.Field, Value: v})
		}
	}
	return s.renderMacro(w, r, rq, http.StatusOK, e)
}

func (s *Server) renderMacro(w http.ResponseWriter, r *http.Request, rq *request, status int, e *macroEdit) error {
	for range blankRows {
		e.Actions = append(e.Actions, actRow{})
	}
	e.MayShare, e.Suggest = rq.user.Role == model.RoleAdmin, macroActions
	s.render(w, r, rq, status, "macro_form.html", "Macro "+e.Title, e)
	return nil
}

// saveMacro creates (POST /macros) or updates (POST /macros/{id}) a macro
// through desk.SaveMacro; its validation errors are shown on the form.
func (s *Server) saveMacro(w http.ResponseWriter, r *http.Request, rq *request) error {
	e := &macroEdit{Title: strings.TrimSpace(r.PostFormValue("title")), Active: r.PostFormValue("active") == "true",
		Personal: r.PostFormValue("personal") == "true" || rq.user.Role != model.RoleAdmin,
		Comment:  r.PostFormValue("comment"), Public: r.PostFormValue("public") == "true"}
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		e.ID = id
	}
	m := model.Macro{ID: e.ID, Title: e.Title, Active: e.Active}
	for i, field := range r.PostForm["act_field"] {
		if field = strings.TrimSpace(field); field != "" {
			row := actRow{Field: field, Value: at(r.PostForm["act_value"], i)}
			e.Actions = append(e.Actions, row)
			m.Actions = append(m.Actions, model.Action{Field: row.Field, Value: []string{row.Value}})
		}
	}
	if strings.TrimSpace(e.Comment) != "" {
		m.Actions = append(m.Actions, model.Action{Field: "comment_value", Value: []string{e.Comment}},
			model.Action{Field: "comment_mode_is_public", Value: []string{boolWord(e.Public)}})
	}
	if e.Personal {
		m.Restriction = &model.Restriction{Type: model.RestrictUser, IDs: []int64{rq.user.ID}}
	}
	if e.ID != 0 && !e.Personal {
		m.Restriction = nil
	}
	_, err := s.desk.SaveMacro(r.Context(), rq.user, m)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			e.Errors = append(e.Errors, strings.TrimSpace(fe.Field+" "+fe.Description))
		}
		return s.renderMacro(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/macros?flash=saved", http.StatusSeeOther)
	return nil
}

// deleteMacro removes a macro the desk lets the agent change.
func (s *Server) deleteMacro(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteMacro(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/macros?flash=saved", http.StatusSeeOther)
	return nil
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// macroRoutes mounts the editor for every signed-in agent.
func (s *Server) macroRoutes(mux *http.ServeMux) {
	mux.Handle("GET /macros", s.authed(s.macrosPage))
	mux.Handle("GET /macros/new", s.authed(s.newMacroForm))
	mux.Handle("POST /macros", s.authed(s.saveMacro))
	mux.Handle("GET /macros/{id}", s.authed(s.editMacroForm))
	mux.Handle("POST /macros/{id}", s.authed(s.saveMacro))
	mux.Handle("POST /macros/{id}/delete", s.authed(s.deleteMacro))
}

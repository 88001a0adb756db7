package web

import (
	"errors"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// The automation editor (/admin/automations/...), for admins: the trigger
// form's rows (rule_form.go) without notifications, which automations can't
// send. Whether an automation is acceptable (a time condition, an action that
// nullifies a condition) is decided by desk.SaveAutomation, as for the API.

// automationEdit is the automation form.
type automationEdit struct {
	ID                 int64
	Title, Description string
	Active             bool
	ruleRows
	Fields []model.TicketField
}

// Words the automation form suggests; rules.ValidateAutomation decides.
var (
	// ticketCondFields are about the ticket as it stands; SLA filters take them too.
	ticketCondFields = []string{"status", "priority", "type", "group_id", "assignee_id",
		"requester_id", "organization_id", "ticket_form_id", "current_tags", "via_id"}
	autoCondFields = append(rules.TimeConditionFields(), ticketCondFields...)
	autoOperators  = []string{"is", "is_not", "less_than", "greater_than", "present", "not_present", "includes", "not_includes"}
	autoActions    = []string{"status", "priority", "type", "group_id", "assignee_id", "set_tags", "current_tags", "remove_tags"}
)

// Suggest holds the datalists' words.
func (e *automationEdit) Suggest() map[string][]string {
	return map[string][]string{"conds": autoCondFields, "ops": autoOperators, "acts": autoActions}
}

func (s *Server) newAutomationForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderAutomation(w, r, rq, http.StatusOK, &automationEdit{Active: true})
}

func (s *Server) editAutomationForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.desk.Automation(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	return s.renderAutomation(w, r, rq, http.StatusOK, &automationEdit{ID: a.ID, Title: a.Title,
		Description: a.Description, Active: a.Active, ruleRows: rowsOf(a.Conditions, a.Actions)})
}

func (s *Server) renderAutomation(w http.ResponseWriter, r *http.Request, rq *request, status int, e *automationEdit) error {
	var err error
	if e.Fields, err = s.desk.Fields(r.Context(), rq.user); err != nil {
		return err
	}
	e.addBlank()
	title := "New automation"
	if e.ID != 0 {
		title = "Automation " + e.Title
	}
	s.render(w, r, rq, status, "automation_form.html", title, e)
	return nil
}

// saveAutomation creates (POST /admin/automations) or updates an automation;
// desk's validation errors are shown next to their rows and nothing is stored.
func (s *Server) saveAutomation(w http.ResponseWriter, r *http.Request, rq *request) error {
	var a model.Automation
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		// The position is kept: the form doesn't show it (the list's arrows move it).
		if a, err = s.desk.Automation(r.Context(), rq.user, id); err != nil {
			return err
		}
	}
	f := r.PostForm
	e := &automationEdit{ID: a.ID, Title: f.Get("title"), Description: f.Get("description"),
		Active: f.Get("active") == "true", ruleRows: parseRuleRows(f)}
	a.Title, a.Description, a.Active, a.Conditions, a.Actions = e.Title, e.Description, e.Active, e.conditions(), e.actions()
	_, err := s.desk.SaveAutomation(r.Context(), rq.user, a)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		e.placeErrors(ve)
		return s.renderAutomation(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/automations?flash=saved", http.StatusSeeOther)
	return nil
}

// activateAutomation turns an automation on or off; turning one on checks it
// again, so a stored rule that is no longer valid is refused with its reasons.
func (s *Server) activateAutomation(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.desk.Automation(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	a.Active = r.PostFormValue("active") == "true"
	if _, err := s.desk.SaveAutomation(r.Context(), rq.user, a); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/automations?flash=saved", http.StatusSeeOther)
	return nil
}

// moveAutomation moves an automation one place up or down (they run in order).
func (s *Server) moveAutomation(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	all, err := s.desk.Automations(r.Context(), rq.user, false)
	if err != nil {
		return err
	}
	ids := make([]int64, len(all))
	for i, a := range all {
		ids[i] = a.ID
	}
	ids, ok := swapNeighbour(ids, id, r.PostFormValue("dir") == "down")
	if !ok {
		return errNotFound
	}
	if err := s.desk.ReorderAutomations(r.Context(), rq.user, ids); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/automations?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteAutomation(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteAutomation(r.Context(), rq.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/automations?flash=saved", http.StatusSeeOther)
	return nil
}

// automationRoutes mounts the editor; the overview is GET /admin/automations.
func (s *Server) automationRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/automations/new", s.admin(s.newAutomationForm))
	mux.Handle("POST /admin/automations", s.admin(s.saveAutomation))
	mux.Handle("GET /admin/automations/{id}", s.admin(s.editAutomationForm))
	mux.Handle("POST /admin/automations/{id}", s.admin(s.saveAutomation))
	mux.Handle("POST /admin/automations/{id}/active", s.admin(s.activateAutomation))
	mux.Handle("POST /admin/automations/{id}/move", s.admin(s.moveAutomation))
	mux.Handle("POST /admin/automations/{id}/delete", s.admin(s.deleteAutomation))
}

package web

import (
	"errors"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

// triggerRow is one trigger of the admin list.
type triggerRow struct {
	T           model.Trigger
	Conds, Acts int
	First, Last bool
}

func (s *Server) triggersPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	all, err := s.desk.Triggers(r.Context(), rq.user, false)
	if err != nil {
		return err
	}
	rows := make([]triggerRow, len(all))
	for i, t := range all {
		rows[i] = triggerRow{T: t, Conds: len(t.Conditions.All) + len(t.Conditions.Any), Acts: len(t.Actions),
			First: i == 0, Last: i == len(all)-1}
	}
	s.render(w, r, rq, http.StatusOK, "triggers.html", "Triggers", rows)
	return nil
}

// moveTrigger moves a trigger one place up or down (triggers run in order).
func (s *Server) moveTrigger(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	all, err := s.desk.Triggers(r.Context(), rq.user, false)
	if err != nil {
		return err
	}
	ids := make([]int64, len(all))
	for i, t := range all {
		ids[i] = t.ID
	}
	ids, ok := swapNeighbour(ids, id, r.PostFormValue("dir") == "down")
	if !ok {
		return errNotFound
	}
	if err := s.desk.ReorderTriggers(r.Context(), rq.user, ids); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/triggers?flash=saved", http.StatusSeeOther)
	return nil
}

// activateTrigger turns a trigger on or off through desk.SaveTrigger.
func (s *Server) activateTrigger(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	active := r.PostFormValue("active") == "true"
	if _, err := s.desk.UpdateTrigger(r.Context(), rq.user, id, func(t *model.Trigger) error {
		t.Active = active
		return nil
	}); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/triggers?flash=saved", http.StatusSeeOther)
	return nil
}

// triggerEdit is the trigger form.
type triggerEdit struct {
	ID                 int64
	Title, Description string
	Active             bool
	ruleRows
	Fields []model.TicketField
}

func (s *Server) newTriggerForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderTrigger(w, r, rq, http.StatusOK, &triggerEdit{Active: true})
}

func (s *Server) editTriggerForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Trigger(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	e := &triggerEdit{ID: t.ID, Title: t.Title, Description: t.Description, Active: t.Active,
		ruleRows: rowsOf(t.Conditions, t.Actions)}
	return s.renderTrigger(w, r, rq, http.StatusOK, e)
}

// renderTrigger shows the form with blank rows appended for additions.
func (s *Server) renderTrigger(w http.ResponseWriter, r *http.Request, rq *request, status int, e *triggerEdit) error {
	var err error
	if e.Fields, err = s.desk.Fields(r.Context(), rq.user); err != nil {
		return err
	}
	e.addBlank()
	e.Notify = true
	title := "New trigger"
	if e.ID != 0 {
		title = "Trigger " + e.Title
	}
	s.render(w, r, rq, status, "trigger.html", title, e)
	return nil
}

// saveTrigger creates (POST /admin/triggers) or updates a trigger; desk's
// validation errors are shown next to the row they concern.
func (s *Server) saveTrigger(w http.ResponseWriter, r *http.Request, rq *request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	f := r.PostForm
	e := &triggerEdit{ID: id, Title: f.Get("title"), Description: f.Get("description"), Active: f.Get("active") == "true",
		ruleRows: parseRuleRows(f)}
	t := model.Trigger{ID: e.ID, Title: e.Title, Description: e.Description, Active: e.Active,
		Conditions: e.conditions(), Actions: e.actions()}
	_, err := s.desk.SaveTrigger(r.Context(), rq.user, t)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		e.placeErrors(ve)
		return s.renderTrigger(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/triggers?flash=saved", http.StatusSeeOther)
	return nil
}

// Words the trigger form suggests (datalists); the engine's own validation
// decides what is accepted.
var (
	condFields = []string{"update_type", "status", "priority", "type", "group_id", "assignee_id", "requester_id",
		"ticket_form_id", "current_tags", "comment_is_public", "comment_includes_word", "role"}
	condOperators = []string{"is", "is_not", "less_than", "greater_than", "changed", "not_changed", "value",
		"value_previous", "not_value", "not_value_previous", "present", "not_present", "includes", "not_includes"}
	actionFields = []string{"status", "priority", "type", "group_id", "assignee_id", "ticket_form_id", "set_tags",
		"current_tags", "remove_tags", "notification_webhook", "notification_target"}
)

// Suggest holds the datalists' words.
func (e *triggerEdit) Suggest() map[string][]string {
	return map[string][]string{"conds": condFields, "ops": condOperators, "acts": actionFields}
}

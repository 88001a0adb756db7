package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

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
	i := slices.Index(ids, id)
	if i < 0 {
		return errNotFound
	}
	j := i - 1
	if r.PostFormValue("dir") == "down" {
		j = i + 1
	}
	if j >= 0 && j < len(ids) {
		ids[i], ids[j] = ids[j], ids[i]
		if err := s.desk.ReorderTriggers(r.Context(), rq.user, ids); err != nil {
			return err
		}
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

// condRow and actRow are editable rows of the trigger form, with their problem.
type condRow struct {
	Field, Operator, Value, Error string
}

type actRow struct {
	Field, Value, Body, Error string
}

// triggerEdit is the trigger form.
type triggerEdit struct {
	ID                 int64
	Title, Description string
	Active             bool
	TitleError         string
	All, Any           []condRow
	Actions            []actRow
	Errors             []string
	Fields             []model.TicketField
}

// blankRows is how many empty rows the form offers for new conditions and actions.
const blankRows = 2

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
	e := &triggerEdit{ID: t.ID, Title: t.Title, Description: t.Description, Active: t.Active}
	e.All, e.Any = condRows(t.Conditions.All), condRows(t.Conditions.Any)
	for _, a := range t.Actions {
		row := actRow{Field: a.Field}
		if len(a.Value) > 0 {
			row.Value = a.Value[0]
		}
		if len(a.Value) > 1 {
			row.Body = a.Value[1]
		}
		e.Actions = append(e.Actions, row)
	}
	return s.renderTrigger(w, r, rq, http.StatusOK, e)
}

func condRows(cs []model.Condition) []condRow {
	out := make([]condRow, len(cs))
	for i, c := range cs {
		out[i] = condRow{Field: c.Field, Operator: c.Operator, Value: c.Value}
	}
	return out
}

// renderTrigger shows the form with blank rows appended for additions.
func (s *Server) renderTrigger(w http.ResponseWriter, r *http.Request, rq *request, status int, e *triggerEdit) error {
	var err error
	if e.Fields, err = s.desk.Fields(r.Context(), rq.user); err != nil {
		return err
	}
	for range blankRows {
		e.All, e.Any, e.Actions = append(e.All, condRow{}), append(e.Any, condRow{}), append(e.Actions, actRow{})
	}
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
	e := parseTriggerForm(r.PostForm)
	e.ID = id
	t := e.trigger()
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

// parseTriggerForm reads the rows (inputs of one row share names, so they come
// back in document order); rows with an empty field are dropped.
func parseTriggerForm(f url.Values) *triggerEdit {
	e := &triggerEdit{Title: f.Get("title"), Description: f.Get("description"), Active: f.Get("active") == "true"}
	conds := func(prefix string) []condRow {
		fields, ops, vals := f[prefix+"_field"], f[prefix+"_op"], f[prefix+"_value"]
		var out []condRow
		for i, field := range fields {
			if field = strings.TrimSpace(field); field != "" {
				out = append(out, condRow{Field: field, Operator: at(ops, i), Value: at(vals, i)})
			}
		}
		return out
	}
	e.All, e.Any = conds("all"), conds("any")
	for i, field := range f["act_field"] {
		if field = strings.TrimSpace(field); field != "" {
			e.Actions = append(e.Actions, actRow{Field: field, Value: at(f["act_value"], i), Body: at(f["act_body"], i)})
		}
	}
	return e
}

func at(vals []string, i int) string {
	if i < len(vals) {
		return strings.TrimSpace(vals[i])
	}
	return ""
}

// trigger builds the model trigger; an action with a body is a notification
// ([id, body]).
func (e *triggerEdit) trigger() model.Trigger {
	t := model.Trigger{ID: e.ID, Title: e.Title, Description: e.Description, Active: e.Active}
	for _, c := range e.All {
		t.Conditions.All = append(t.Conditions.All, model.Condition{Field: c.Field, Operator: c.Operator, Value: c.Value})
	}
	for _, c := range e.Any {
		t.Conditions.Any = append(t.Conditions.Any, model.Condition{Field: c.Field, Operator: c.Operator, Value: c.Value})
	}
	for _, a := range e.Actions {
		v := []string{a.Value}
		if a.Body != "" {
			v = append(v, a.Body)
		}
		t.Actions = append(t.Actions, model.Action{Field: a.Field, Value: v})
	}
	return t
}

// placeErrors attaches each problem to its row ("conditions.all[1]",
// "actions[0]") or to the title; the rest are listed above the form.
func (e *triggerEdit) placeErrors(ve *model.ValidationError) {
	for _, fe := range ve.Errors {
		var i int
		switch {
		case fe.Field == "title":
			e.TitleError = "Title " + fe.Description
		case scanIndex(fe.Field, "conditions.all[%d]", &i) && i < len(e.All):
			e.All[i].Error = fe.Description
		case scanIndex(fe.Field, "conditions.any[%d]", &i) && i < len(e.Any):
			e.Any[i].Error = fe.Description
		case scanIndex(fe.Field, "actions[%d]", &i) && i < len(e.Actions):
			e.Actions[i].Error = fe.Description
		default:
			e.Errors = append(e.Errors, strings.TrimSpace(fe.Field+" "+fe.Description))
		}
	}
}

// scanIndex parses the index out of field when it has the given shape.
func scanIndex(field, format string, i *int) bool {
	n, err := fmt.Sscanf(field, format, i)
	return err == nil && n == 1 && fmt.Sprintf(format, *i) == field
}

// condGroup is the "all" or "any" block of the form.
type condGroup struct {
	Prefix, Legend string
	Rows           []condRow
}

// Groups lists the two condition blocks for the template.
func (e *triggerEdit) Groups() []condGroup {
	return []condGroup{{"all", "Meet all of these conditions", e.All}, {"any", "Meet any of these conditions", e.Any}}
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

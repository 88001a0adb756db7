package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// The view editor (/views/edit): an agent creates, edits, deactivates,
// deletes and reorders their personal views; an admin also shared ones (for
// everyone or for groups). Conditions are the trigger form's rows
// (rule_form.go). Who may change what is desk's decision (mayChange): the form
// only offers what will work, and a forged post gets desk's 403.

// viewEdit is the view form.
type viewEdit struct {
	ID     int64
	Title  string
	Active bool
	// Share is "me" (personal), "all" (every agent) or a group id.
	Share string
	ruleRows
	Columns                    map[string]bool
	SortBy, SortOrder, GroupBy string
	MayShare                   bool
	ShareGroups                []model.Group
	Fields                     []model.TicketField
}

// optionalColumns are the list columns a view may leave out (hiddenColumns);
// ID, subject, status and updated are always shown.
var optionalColumns = []string{"requester", "priority", "group", "assignee"}

// Words the view form offers; rules.ValidateView decides.
var (
	viewCondFields = []string{"status", "priority", "type", "group_id", "assignee_id", "requester_id", "organization_id",
		"ticket_form_id", "current_tags", rules.CondHoursSinceCreated, rules.CondHoursSinceUpdated, rules.CondHoursUntilNextBreach}
	viewOperators = []string{"is", "is_not", "less_than", "greater_than", "present", "not_present", "includes", "not_includes"}
	viewGroupBys  = []string{"status", "priority", "group", "assignee", "type", "requester"}
)

// Suggest holds the datalists' words (a view has no actions).
func (e *viewEdit) Suggest() map[string][]string {
	return map[string][]string{"conds": viewCondFields, "ops": viewOperators}
}

// Options lists the choices of the form's selects.
func (e *viewEdit) Options() map[string][]string {
	return map[string][]string{"columns": optionalColumns, "sort": viewSortKeys, "group": viewGroupBys}
}

// viewRow is one view of the editor's list.
type viewRow struct {
	V           model.View
	Who         string
	Editable    bool
	First, Last bool
}

func (s *Server) viewsEditPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	views, err := s.desk.TicketViews(ctx, rq.user, "", false)
	if err != nil {
		return err
	}
	groups, err := s.groupNames(ctx, rq.user)
	if err != nil {
		return err
	}
	var rows []viewRow
	for _, v := range views {
		rows = append(rows, viewRow{V: v, Who: whoText(v.Restriction, groups), Editable: desk.MayChangeRule(rq.user, v.Restriction)})
	}
	// The arrows move a view among those the agent may change.
	var first, last int = -1, -1
	for i := range rows {
		if rows[i].Editable {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		rows[first].First, rows[last].Last = true, true
	}
	s.render(w, r, rq, http.StatusOK, "views_edit.html", "Views", rows)
	return nil
}

// whoText says who a view is for.
func whoText(r *model.Restriction, groups map[int64]string) string {
	switch {
	case r == nil:
		return "everyone"
	case r.Personal():
		return "personal"
	}
	names := make([]string, len(r.IDs))
	for i, id := range r.IDs {
		names[i] = groups[id]
	}
	return "group " + strings.Join(names, ", ")
}

func (s *Server) newViewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	e := &viewEdit{Active: true, Share: "me", SortBy: "updated", SortOrder: "desc", Columns: map[string]bool{}}
	for _, c := range optionalColumns {
		e.Columns[c] = true
	}
	e.All = []condRow{{Field: "status", Operator: "less_than", Value: "solved"}}
	return s.renderView(w, r, rq, http.StatusOK, e)
}

// editableView loads a view for a change: one the agent can't see is not
// found, one they see but may not change (a shared one) is forbidden.
func (s *Server) editableView(r *http.Request, rq *request) (model.View, error) {
	id, err := pathID(r)
	if err != nil {
		return model.View{}, err
	}
	v, err := s.desk.TicketView(r.Context(), rq.user, id)
	if err != nil {
		return v, err
	}
	return s.desk.EditableTicketView(r.Context(), rq.user, v.ID)
}

func (s *Server) editViewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.editableView(r, rq)
	if err != nil {
		return err
	}
	x := v.Execution
	sort := store.ViewSortOf(x) // the API's names (updated_at, nice_id) as the list's
	e := &viewEdit{ID: v.ID, Title: v.Title, Active: v.Active, Share: shareOf(v.Restriction),
		ruleRows: rowsOf(v.Conditions, nil), SortBy: sort.By, SortOrder: "asc", GroupBy: x.GroupBy,
		Columns: map[string]bool{}}
	if sort.Desc {
		e.SortOrder = "desc"
	}
	for _, c := range optionalColumns {
		e.Columns[c] = len(x.Columns) == 0 || slices.Contains(x.Columns, c)
	}
	return s.renderView(w, r, rq, http.StatusOK, e)
}

func shareOf(r *model.Restriction) string {
	switch {
	case r == nil:
		return "all"
	case r.Personal():
		return "me"
	case len(r.IDs) > 0:
		return strconv.FormatInt(r.IDs[0], 10)
	}
	return "me"
}

func (s *Server) renderView(w http.ResponseWriter, r *http.Request, rq *request, status int, e *viewEdit) error {
	ctx := r.Context()
	var err error
	if e.Fields, err = s.desk.Fields(ctx, rq.user); err != nil {
		return err
	}
	if e.MayShare = rq.user.Role == model.RoleAdmin; e.MayShare {
		if e.ShareGroups, err = s.desk.AllGroups(ctx, rq.user); err != nil {
			return err
		}
	}
	e.addBlank() // its action rows are not shown: a view has no actions
	title := "New view"
	if e.ID != 0 {
		title = "View " + e.Title
	}
	s.render(w, r, rq, status, "view_form.html", title, e)
	return nil
}

// saveView creates (POST /views/edit) or updates a view through
// desk.SaveTicketView; its validation errors are shown on the form and
// nothing is stored.
func (s *Server) saveView(w http.ResponseWriter, r *http.Request, rq *request) error {
	var v model.View
	if r.PathValue("id") != "" {
		var err error
		if v, err = s.editableView(r, rq); err != nil {
			return err
		}
	}
	f := r.PostForm
	e := &viewEdit{ID: v.ID, Title: strings.TrimSpace(f.Get("title")), Active: f.Get("active") == "true",
		Share: f.Get("share"), ruleRows: parseRuleRows(f), SortBy: f.Get("sort_by"), SortOrder: f.Get("sort_order"),
		GroupBy: f.Get("group_by"), Columns: map[string]bool{}}
	e.Actions = nil // a view has no actions, whatever a forged form says
	restriction, err := e.restriction(rq.user)
	if err != nil {
		return err
	}
	cols := []string{"status", "subject"}
	for _, c := range f["columns"] {
		if slices.Contains(optionalColumns, c) && !e.Columns[c] {
			e.Columns[c] = true
			cols = append(cols, c)
		}
	}
	v.Title, v.Active, v.Conditions, v.Restriction = e.Title, e.Active, e.conditions(), restriction
	v.Execution = model.ViewExecution{Columns: append(cols, "updated"), SortBy: e.SortBy, SortOrder: e.SortOrder, GroupBy: e.GroupBy}
	saved, err := s.desk.SaveTicketView(r.Context(), rq.user, v)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		e.placeErrors(ve)
		return s.renderView(w, r, rq, http.StatusUnprocessableEntity, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/views/"+strconv.FormatInt(saved.ID, 10)+"?flash=saved", http.StatusSeeOther)
	return nil
}

// restriction reads the form's "share": an agent's form has none, so their
// view is personal; what they post otherwise is passed on for desk to refuse.
func (e *viewEdit) restriction(actor model.User) (*model.Restriction, error) {
	switch e.Share {
	case "", "me":
		return &model.Restriction{Type: model.RestrictUser, IDs: []int64{actor.ID}}, nil
	case "all":
		return nil, nil
	}
	id, err := strconv.ParseInt(e.Share, 10, 64)
	if err != nil || id <= 0 {
		return nil, model.Invalid("restriction", "InvalidValue", "Restriction: choose who the view is for from the list")
	}
	return &model.Restriction{Type: model.RestrictGroup, IDs: []int64{id}}, nil
}

// activateView turns a view on or off.
func (s *Server) activateView(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.editableView(r, rq)
	if err != nil {
		return err
	}
	v.Active = r.PostFormValue("active") == "true"
	if _, err := s.desk.SaveTicketView(r.Context(), rq.user, v); err != nil {
		return err
	}
	http.Redirect(w, r, "/views/edit?flash=saved", http.StatusSeeOther)
	return nil
}

// moveView moves a view one place up or down among those the agent may change.
func (s *Server) moveView(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.editableView(r, rq)
	if err != nil {
		return err
	}
	views, err := s.desk.TicketViews(r.Context(), rq.user, "", false)
	if err != nil {
		return err
	}
	var ids []int64
	for _, o := range views {
		if desk.MayChangeRule(rq.user, o.Restriction) {
			ids = append(ids, o.ID)
		}
	}
	ids, ok := swapNeighbour(ids, v.ID, r.PostFormValue("dir") == "down")
	if !ok {
		return errNotFound
	}
	if err := s.desk.ReorderTicketViews(r.Context(), rq.user, ids); err != nil {
		return err
	}
	http.Redirect(w, r, "/views/edit?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteView(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := s.editableView(r, rq)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteTicketView(r.Context(), rq.user, v.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/views/edit?flash=saved", http.StatusSeeOther)
	return nil
}

// viewEditRoutes mounts the editor for every signed-in agent.
func (s *Server) viewEditRoutes(mux *http.ServeMux) {
	mux.Handle("GET /views/edit", s.authed(s.viewsEditPage))
	mux.Handle("GET /views/edit/new", s.authed(s.newViewForm))
	mux.Handle("POST /views/edit", s.authed(s.saveView))
	mux.Handle("GET /views/edit/{id}", s.authed(s.editViewForm))
	mux.Handle("POST /views/edit/{id}", s.authed(s.saveView))
	mux.Handle("POST /views/edit/{id}/active", s.authed(s.activateView))
	mux.Handle("POST /views/edit/{id}/move", s.authed(s.moveView))
	mux.Handle("POST /views/edit/{id}/delete", s.authed(s.deleteView))
}

package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// A view (model.View) runs as one SQL query over the live tickets: its
// conditions become a WHERE clause that the tickets_live_* indexes serve
// (status, assignee, group, priority, requester, each paired with updated_at),
// so counting a view never loads tickets into Go. Conditions are validated by
// rules.ValidateView before they are saved; one that is not well formed here
// anyway (stored by hand, say) matches nothing rather than everything.

// ViewRun is a view evaluated for one agent at one time: "current_user" is Me
// and "hours since" counts back from Now.
type ViewRun struct {
	Conditions model.Conditions
	Me         int64
	Now        time.Time
	// HiddenGroups are private groups whose tickets the view leaves out.
	HiddenGroups []int64
}

func (vr ViewRun) where() (string, []any) {
	w := &sqlWhere{}
	var all []string
	for _, c := range vr.Conditions.All {
		all = append(all, viewCond(w, c, vr))
	}
	if len(vr.Conditions.Any) > 0 {
		var anyOf []string
		for _, c := range vr.Conditions.Any {
			anyOf = append(anyOf, viewCond(w, c, vr))
		}
		all = append(all, "("+strings.Join(anyOf, " OR ")+")")
	}
	q := " WHERE deleted_at IS NULL"
	for _, c := range all {
		q += " AND (" + c + ")"
	}
	hide, args := notInGroups("group_id", vr.HiddenGroups, w.args)
	return q + hide, args
}

// ranksIn returns the values of order whose position compares with want's as op
// asks (less_than: before it, greater_than: after it).
func ranksIn(order []string, want, op string) []string {
	at := -1
	for i, v := range order {
		if v == want {
			at = i
		}
	}
	var out []string
	for i, v := range order {
		if at >= 0 && (op == "less_than" && i < at || op == "greater_than" && i > at) {
			out = append(out, v)
		}
	}
	return out
}

var (
	statusOrder   = []string{"new", "open", "pending", "hold", "solved", "closed"}
	priorityOrder = []string{"low", "normal", "high", "urgent"}
)

func viewCond(w *sqlWhere, c model.Condition, vr ViewRun) string {
	if rules.CheckViewCond(c) != "" {
		return "1 = 0"
	}
	switch c.Field {
	case "status", "priority":
		if c.Operator == "less_than" || c.Operator == "greater_than" {
			order := statusOrder
			if c.Field == "priority" {
				order = priorityOrder
			}
			return inStrings(w, c.Field, ranksIn(order, c.Value, c.Operator))
		}
		return textIs(w, c.Field, c.Value, c.Operator == "is")
	case "type":
		return textIs(w, "type", c.Value, c.Operator == "is")
	case "group_id", "assignee_id", "requester_id", "ticket_form_id":
		return idIs(w, c, vr.Me)
	case "current_tags":
		tags := strings.Fields(strings.ToLower(c.Value))
		set := "id IN (SELECT ticket_id FROM ticket_tags WHERE " + inStrings(w, "tag", tags) + ")"
		if c.Operator == "not_includes" {
			return "NOT " + set
		}
		return set
	case rules.CondHoursSinceCreated:
		return hoursSince(w, "created_at", c, vr.Now)
	case rules.CondHoursSinceUpdated:
		return hoursSince(w, "updated_at", c, vr.Now)
	case rules.CondHoursUntilNextBreach:
		return hoursUntilBreach(w, c, vr.Now)
	}
	if id, ok := strings.CutPrefix(c.Field, "custom_fields_"); ok {
		return customIs(w, id, c)
	}
	return "1 = 0"
}

func textIs(w *sqlWhere, col, v string, is bool) string {
	if is {
		return col + " = " + w.arg(v)
	}
	return col + " <> " + w.arg(v)
}

func inStrings(w *sqlWhere, col string, vals []string) string {
	if len(vals) == 0 {
		return "1 = 0"
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = w.arg(v)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

// idIs compares an id column; "" is none (NULL) and "current_user" the agent
// running the view. "Is not 5" keeps tickets with no value too, as Zendesk does.
func idIs(w *sqlWhere, c model.Condition, me int64) string {
	col := c.Field
	switch c.Operator {
	case "present":
		return col + " IS NOT NULL"
	case "not_present":
		return col + " IS NULL"
	}
	var id int64
	switch c.Value {
	case "":
	case "current_user":
		id = me
	default:
		id, _ = strconv.ParseInt(c.Value, 10, 64) // CheckViewCond passed it
	}
	is := c.Operator == "is"
	switch {
	case id == 0 && is:
		return col + " IS NULL"
	case id == 0:
		return col + " IS NOT NULL"
	case is:
		return col + " = " + w.arg(id)
	}
	return "(" + col + " IS NULL OR " + col + " <> " + w.arg(id) + ")"
}

func customIs(w *sqlWhere, id string, c model.Condition) string {
	has := "custom_fields LIKE " + w.arg(`%{"id":`+id+`,"value":%`)
	switch {
	case c.Operator == "present" || c.Operator == "is_not" && c.Value == "":
		return has
	case c.Operator == "not_present" || c.Value == "":
		return "NOT " + has
	}
	match := customValueIs(w, id, c.Value)
	if c.Operator == "is_not" {
		return "NOT " + match
	}
	return match
}

// customValueIs matches custom field id holding v (any case) in the stored
// JSON list; v "none" is no value.
func customValueIs(w *sqlWhere, id, v string) string {
	if strings.EqualFold(v, "none") {
		return "custom_fields NOT LIKE " + w.arg(`%{"id":`+id+`,"value":%`)
	}
	n, _ := strconv.ParseInt(id, 10, 64) // checked by rules.CheckViewCond
	want := encodeFields([]model.FieldValue{{ID: n, Value: strings.ToLower(v)}})
	want = strings.TrimSuffix(strings.TrimPrefix(want, "["), "]")
	return "LOWER(custom_fields) LIKE " + w.arg("%"+escapeLike(want)+"%") + ` ESCAPE '\'`
}

// sqlWhere collects a view's arguments as $n placeholders.
type sqlWhere struct{ args []any }

// arg appends v and returns its placeholder.
func (w *sqlWhere) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// hoursSince compares the whole hours since col with the condition's value:
// "less than 24" is within the last day, "is 2" is between two and three hours ago.
func hoursSince(w *sqlWhere, col string, c model.Condition, now time.Time) string {
	h, _ := strconv.ParseInt(c.Value, 10, 64)
	at := func(hours int64) string { return w.arg(ts(now.Add(-time.Duration(hours) * time.Hour))) }
	switch c.Operator {
	case "less_than":
		return col + " > " + at(h)
	case "greater_than":
		return col + " <= " + at(h+1)
	}
	return col + " <= " + at(h) + " AND " + col + " > " + at(h+1)
}

// viewSortKey maps Zendesk's sort_by and group_by names to viewSortCols keys.
func viewSortKey(by string) string {
	switch by {
	case "nice_id", "id":
		return "id"
	case "created", "created_at":
		return "created"
	case "updated", "updated_at", "":
		return "updated"
	}
	return by
}

// viewGroupCols are the columns a view can group by.
var viewGroupCols = map[string]string{
	"status": viewSortCols["status"], "priority": viewSortCols["priority"],
	"group": "group_id", "group_id": "group_id", "assignee": "assignee_id", "assignee_id": "assignee_id",
	"type": "type", "ticket_type": "type", "requester": "requester_id", "requester_id": "requester_id",
}

// ViewSortOf is the order a view's execution asks for; an unknown sort_by sorts
// by update time, newest first.
func ViewSortOf(e model.ViewExecution) ViewSort {
	by := viewSortKey(e.SortBy)
	if !ValidViewSort(by) {
		return ViewSort{By: "updated", Desc: true}
	}
	desc := e.SortOrder == "desc" || e.SortOrder == "" && (by == "updated" || by == "created")
	return ViewSort{By: by, Desc: desc}
}

// RunTicketView lists one page of a view's tickets in sort's order, after the
// execution's group_by column when it has one.
func (q *Queries) RunTicketView(ctx context.Context, vr ViewRun, groupBy, groupOrder string, s ViewSort, limit, offset int) ([]model.Ticket, error) {
	col, ok := viewSortCols[s.By]
	if !ok {
		col = viewSortCols["updated"]
	}
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	order := col + dir + ", id" + dir
	if g, ok := viewGroupCols[groupBy]; ok {
		gdir := " ASC"
		if groupOrder == "desc" {
			gdir = " DESC"
		}
		order = g + gdir + ", " + order
	}
	where, args := vr.where()
	args = append(args, limit, offset)
	query := `SELECT ` + ticketCols + ` FROM tickets` + where + ` ORDER BY ` + order +
		fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	return q.tickets(ctx, query, args...)
}

// CountTicketView counts a view's tickets.
func (q *Queries) CountTicketView(ctx context.Context, vr ViewRun) (int64, error) {
	where, args := vr.where()
	return q.count(ctx, "count view", `SELECT COUNT(*) FROM tickets`+where, args...)
}

package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// The condition and action rows shared by the trigger, automation and view
// editors: one parser, one model conversion and one place for desk's
// validation errors, so the three forms can't drift apart. The rows are shown
// by the "ruleconds" and "ruleacts" templates (partials.html).

// condRow and actRow are editable rows of a rule form, with their problem.
type condRow struct {
	Field, Operator, Value, Error string
}

type actRow struct {
	Field, Value, Body, Error string
}

// ruleRows is the conditions and actions part of a rule form.
type ruleRows struct {
	All, Any   []condRow
	Actions    []actRow
	Errors     []string
	TitleError string
	// Notify offers a notification body per action (triggers only).
	Notify bool
}

// blankRows is how many empty rows the form offers for new conditions and actions.
const blankRows = 2

// parseRuleRows reads the rows (inputs of one row share names, so they come
// back in document order); rows with an empty field are dropped.
func parseRuleRows(f url.Values) ruleRows {
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
	rr := ruleRows{All: conds("all"), Any: conds("any")}
	for i, field := range f["act_field"] {
		if field = strings.TrimSpace(field); field != "" {
			rr.Actions = append(rr.Actions, actRow{Field: field, Value: at(f["act_value"], i), Body: at(f["act_body"], i)})
		}
	}
	return rr
}

func at(vals []string, i int) string {
	if i < len(vals) {
		return strings.TrimSpace(vals[i])
	}
	return ""
}

// rowsOf fills the form from a stored rule.
func rowsOf(c model.Conditions, acts []model.Action) ruleRows {
	rr := ruleRows{All: condRows(c.All), Any: condRows(c.Any)}
	for _, a := range acts {
		row := actRow{Field: a.Field}
		if len(a.Value) > 0 {
			row.Value = a.Value[0]
		}
		if len(a.Value) > 1 {
			row.Body = a.Value[1]
		}
		rr.Actions = append(rr.Actions, row)
	}
	return rr
}

func condRows(cs []model.Condition) []condRow {
	out := make([]condRow, len(cs))
	for i, c := range cs {
		out[i] = condRow{Field: c.Field, Operator: c.Operator, Value: c.Value}
	}
	return out
}

// conditions builds the model conditions of the rows.
func (rr *ruleRows) conditions() model.Conditions {
	var c model.Conditions
	for _, r := range rr.All {
		c.All = append(c.All, model.Condition{Field: r.Field, Operator: r.Operator, Value: r.Value})
	}
	for _, r := range rr.Any {
		c.Any = append(c.Any, model.Condition{Field: r.Field, Operator: r.Operator, Value: r.Value})
	}
	return c
}

// actions builds the model actions; an action with a body is a notification
// ([id, body]).
func (rr *ruleRows) actions() []model.Action {
	var out []model.Action
	for _, a := range rr.Actions {
		v := []string{a.Value}
		if a.Body != "" {
			v = append(v, a.Body)
		}
		out = append(out, model.Action{Field: a.Field, Value: v})
	}
	return out
}

// addBlank appends the empty rows the form offers for additions.
func (rr *ruleRows) addBlank() {
	for range blankRows {
		rr.All, rr.Any, rr.Actions = append(rr.All, condRow{}), append(rr.Any, condRow{}), append(rr.Actions, actRow{})
	}
}

// placeErrors attaches each problem to its row ("conditions.all[1]",
// "actions[0]") or to the title; the rest are listed above the form.
func (rr *ruleRows) placeErrors(ve *model.ValidationError) {
	for _, fe := range ve.Errors {
		var i int
		switch {
		case fe.Field == "title":
			rr.TitleError = "Title " + fe.Description
		case scanIndex(fe.Field, "conditions.all[%d]", &i) && i < len(rr.All):
			rr.All[i].Error = fe.Description
		case scanIndex(fe.Field, "conditions.any[%d]", &i) && i < len(rr.Any):
			rr.Any[i].Error = fe.Description
		case scanIndex(fe.Field, "actions[%d]", &i) && i < len(rr.Actions):
			rr.Actions[i].Error = fe.Description
		default:
			rr.Errors = append(rr.Errors, strings.TrimSpace(fe.Field+" "+fe.Description))
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
func (rr *ruleRows) Groups() []condGroup {
	return []condGroup{{"all", "Meet all of these conditions", rr.All}, {"any", "Meet any of these conditions", rr.Any}}
}

// swapNeighbour moves id one place up (or down) in ids, the order of a rule
// list; false when id is not in it.
func swapNeighbour(ids []int64, id int64, down bool) ([]int64, bool) {
	i := slices.Index(ids, id)
	if i < 0 {
		return nil, false
	}
	j := i - 1
	if down {
		j = i + 1
	}
	if j >= 0 && j < len(ids) {
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids, true
}

package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// ValidateAutomation checks an automation before it is saved, with Zendesk's
// rules for automations on top of a trigger's: at least one time condition (in
// "all"), and at least one action that nullifies a condition, so that a ticket
// stops matching once the automation has fired on it. Conditions about the
// change itself (update_type, comments, role, "changed") mean nothing to a
// scheduled run and are refused, as are notifications and "current_user"
// (an automation has no current user).
func ValidateAutomation(a *model.Automation) error {
	if a == nil {
		return model.Invalid("base", "BlankValue", "automation is required")
	}
	v := &model.ValidationError{}
	if strings.TrimSpace(a.Title) == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	}
	var times int
	for i, c := range a.Conditions.All {
		if IsTimeCondition(c.Field) {
			times++
			if _, ok := parseTimeCond(c); !ok {
				v.Add(fmt.Sprintf("conditions.all[%d]", i), "InvalidValue",
					"%s %s %q: must be is, less_than or greater_than a whole number of hours", c.Field, c.Operator, c.Value)
			}
			continue
		}
		checkAutoCond(v, "all", i, c)
	}
	for i, c := range a.Conditions.Any {
		if IsTimeCondition(c.Field) {
			v.Add(fmt.Sprintf("conditions.any[%d]", i), "InvalidValue", "%s: time conditions belong in conditions.all", c.Field)
			continue
		}
		checkAutoCond(v, "any", i, c)
	}
	if times == 0 {
		v.Add("conditions", "InvalidValue", "Conditions: an automation must contain at least one time-based condition (such as hours_since_solved)")
	}
	if len(a.Actions) == 0 {
		v.Add("actions", "BlankValue", "Actions: must have at least one action")
	}
	for i, ac := range a.Actions {
		kind, _ := parseActField(ac.Field)
		place := fmt.Sprintf("actions[%d]", i)
		switch {
		case kind == aWebhook || kind == aTarget:
			v.Add(place, "InvalidValue", "%s: notifications from automations are not supported", ac.Field)
		case slices.Contains(ac.Value, "current_user"):
			v.Add(place, "InvalidValue", "%s: an automation has no current user", ac.Field)
		default:
			if p := checkAct(kind, ac.Value); p != "" {
				v.Add(place, "InvalidValue", "%s %q: %s", ac.Field, ac.Value, p)
			}
		}
	}
	if v.OrNil() == nil && !nullifies(a) {
		v.Add("actions", "InvalidValue", "Actions: an automation must contain an action that nullifies one of its conditions (so it does not fire again on the same ticket)")
	}
	return v.OrNil()
}

// checkAutoCond checks one non-time condition of an automation.
func checkAutoCond(v *model.ValidationError, group string, i int, c model.Condition) {
	place := fmt.Sprintf("conditions.%s[%d]", group, i)
	kind, _ := parseCondField(c.Field)
	op := parseOp(c.Operator)
	switch {
	case kind == fUpdateType || kind == fCommentPublic || kind == fCommentWords || kind == fRole:
		v.Add(place, "InvalidValue", "%s: is about a change, which a scheduled run has none of", c.Field)
	case op == opChanged || op == opNotChanged || op == opValue || op == opValuePrev || op == opNotValue || op == opNotValuePrev:
		v.Add(place, "InvalidValue", "%s %s: is about a change, which a scheduled run has none of", c.Field, c.Operator)
	case c.Value == "current_user":
		v.Add(place, "InvalidValue", "%s: an automation has no current user", c.Field)
	default:
		if p := checkCond(kind, op, c.Value); p != "" {
			v.Add(place, "InvalidValue", "%s %s %q: %s", c.Field, c.Operator, c.Value, p)
		}
	}
}

// nullifies reports whether some action makes some "all" condition false on
// every ticket it applies to. Any conditions don't count: the others of the
// group may still hold.
func nullifies(a *model.Automation) bool {
	for _, ac := range a.Actions {
		if len(ac.Value) != 1 {
			continue
		}
		for _, c := range a.Conditions.All {
			if actionNullifies(c, ac.Field, ac.Value[0]) {
				return true
			}
		}
	}
	return false
}

// actionNullifies reports whether setting field to v makes c false.
func actionNullifies(c model.Condition, field, v string) bool {
	if clock, ok := timeFields[c.Field]; ok {
		return clockNullified(clock, field, v)
	}
	op := parseOp(c.Operator)
	if c.Field == "current_tags" {
		return tagsNullify(op, strings.Fields(c.Value), field, strings.Fields(v))
	}
	if c.Field != field {
		return false
	}
	switch op {
	case opIs:
		return v != c.Value
	case opIsNot:
		return v == c.Value
	case opPresent:
		return v == ""
	case opNotPresent:
		return v != ""
	case opLess, opGreater:
		return orderNullified(c, op, v)
	}
	return false
}

// clockNullified: leaving a status clears its clock, unassigning clears assigned.
func clockNullified(clock Clock, field, v string) bool {
	switch {
	case field == "status" && clock == ClockSolved:
		return v != string(model.StatusSolved)
	case field == "status" && clock == ClockPending:
		return v != string(model.StatusPending)
	case field == "status" && clock == ClockHold:
		return v != string(model.StatusHold)
	case field == "assignee_id" && clock == ClockAssigned:
		return v == ""
	}
	return false
}

func orderNullified(c model.Condition, op opKind, v string) bool {
	var have, want int
	switch c.Field {
	case "status":
		have, want = statusRank(model.Status(v)), statusRank(model.Status(c.Value))
	case "priority":
		have, want = priorityRank(v), priorityRank(c.Value)
	default:
		return false
	}
	if op == opLess {
		return have >= want
	}
	return have <= want
}

// tagsNullify: "includes any of W" is undone by removing all of W or setting a
// list without any; "includes none of W" by adding or setting one of them.
func tagsNullify(op opKind, want []string, field string, tags []string) bool {
	hasAny := slices.ContainsFunc(want, func(w string) bool { return slices.Contains(tags, w) })
	switch op {
	case opIncludes:
		switch field {
		case "remove_tags":
			return !slices.ContainsFunc(want, func(w string) bool { return !slices.Contains(tags, w) })
		case "set_tags":
			return !hasAny
		}
	case opNotIncludes:
		return (field == "current_tags" || field == "set_tags") && hasAny
	}
	return false
}

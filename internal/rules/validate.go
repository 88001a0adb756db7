package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// Problems found by checkCond and checkAct. They are constants so that compiling a
// trigger, which runs the same checks, allocates nothing.
const (
	probField     = "is not a known field"
	probOperator  = "is not a valid operator for this field"
	probStatus    = "is not a valid status"
	probPriority  = "is not a valid priority"
	probType      = "is not a valid ticket type"
	probID        = "is not a valid id"
	probUpdate    = `must be "Create" or "Change"`
	probBlank     = "cannot be blank"
	probPublic    = `must be "true", "false", "not_relevant" or "requester_can_see_comment"`
	probRole      = `must be "end_user", "agent" or "admin"`
	probNumber    = "must be a number"
	probWords     = "must contain at least one word"
	probOneValue  = "must have exactly one value"
	probTwoValues = "must be an array of two strings: [id, body]"
	probUserMail  = `must be an array of three strings: [recipient, subject, body], recipient "requester_id", "assignee_id", "current_user" or a user id`
)

// Validate checks a trigger before it is saved: a title, at least one condition
// and one action, known fields, operators the field accepts and well-formed values.
// Each problem names its place ("conditions.all[0]", "actions[2]"). It returns a
// *model.ValidationError, or nil. Custom field ids are checked for form only:
// whether the field exists is the caller's business, as rules holds no field list.
func Validate(t *model.Trigger) error {
	if t == nil {
		return model.Invalid("base", "BlankValue", "trigger is required")
	}
	v := &model.ValidationError{}
	if strings.TrimSpace(t.Title) == "" {
		v.Add("title", "BlankValue", "cannot be blank")
	}
	if len(t.Conditions.All)+len(t.Conditions.Any) == 0 {
		v.Add("conditions", "BlankValue", "must have at least one condition")
	}
	validateConds(v, "all", t.Conditions.All)
	validateConds(v, "any", t.Conditions.Any)
	if len(t.Actions) == 0 {
		v.Add("actions", "BlankValue", "must have at least one action")
	}
	for i, a := range t.Actions {
		kind, _ := parseActField(a.Field)
		if p := checkAct(kind, a.Value); p != "" {
			v.Add(fmt.Sprintf("actions[%d]", i), "InvalidValue", "%s %q: %s", a.Field, a.Value, p)
		}
	}
	return v.OrNil()
}

func validateConds(v *model.ValidationError, group string, cs []model.Condition) {
	for i, c := range cs {
		kind, _ := parseCondField(c.Field)
		if p := checkCond(kind, parseOp(c.Operator), c.Value); p != "" {
			v.Add(fmt.Sprintf("conditions.%s[%d]", group, i), "InvalidValue",
				"%s %s %q: %s", c.Field, c.Operator, c.Value, p)
		}
	}
}

// checkCond returns what is wrong with a condition, or "".
func checkCond(kind fieldKind, op opKind, v string) string {
	if kind == fUnknown {
		return probField
	}
	if !allowedOps[kind].has(op) {
		return probOperator
	}
	switch op {
	case opChanged, opNotChanged, opPresent, opNotPresent:
		return "" // these ignore the value
	}
	return checkCondValue(kind, op, v)
}

func checkCondValue(kind fieldKind, op opKind, v string) string {
	ordered := op == opLess || op == opGreater
	switch kind {
	case fUpdateType:
		return when(v != "Create" && v != "Change", probUpdate)
	case fStatus:
		return when(!model.Status(v).Valid(), probStatus)
	case fPriority:
		return when(priorityRank(v) < 0 && (ordered || v != ""), probPriority)
	case fType:
		return when(v != "" && !validType(v), probType)
	case fGroup, fAssignee, fRequester, fForm:
		_, _, ok := parseRef(v, true)
		return when(!ok, probID)
	case fCustom:
		return when(ordered && !isNumber(v), probNumber)
	case fTags:
		return when(strings.TrimSpace(v) == "", probBlank)
	case fCommentPublic:
		return when(!validPublic(v), probPublic)
	case fCommentWords:
		w, _ := nextWord(v)
		return when(w == "", probWords)
	case fRole:
		return when(normRole(v) == "", probRole)
	}
	return probField
}

// checkAct returns what is wrong with an action, or "".
func checkAct(kind actKind, vals []string) string {
	switch kind {
	case aUnknown:
		return probField
	case aWebhook, aTarget:
		if len(vals) != 2 || strings.TrimSpace(vals[0]) == "" {
			return probTwoValues
		}
		return ""
	case aUser:
		return when(len(vals) != 3 || !validMailRecipient(vals[0]) || strings.TrimSpace(vals[2]) == "", probUserMail)
	}
	if len(vals) != 1 {
		return probOneValue
	}
	v := vals[0]
	switch kind {
	case aStatus:
		return when(!model.Status(v).Valid(), probStatus)
	case aPriority:
		return when(v != "" && priorityRank(v) < 0, probPriority)
	case aType:
		return when(v != "" && !validType(v), probType)
	case aGroup, aAssignee, aForm:
		_, _, ok := parseRef(v, false)
		return when(!ok || (kind == aGroup || kind == aForm) && v == "current_user", probID)
	case aAddTags, aRemoveTags:
		return when(strings.TrimSpace(v) == "", probBlank)
	}
	return "" // set_tags may clear all tags; custom fields take any string
}

// when returns problem if bad holds, else "".
func when(bad bool, problem string) string {
	if bad {
		return problem
	}
	return ""
}

func validPublic(v string) bool {
	switch v {
	case "true", "false", "not_relevant", "requester_can_see_comment":
		return true
	}
	return false
}

func isNumber(v string) bool {
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

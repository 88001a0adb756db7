package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// Macros and views reuse the trigger vocabulary: a macro's actions are trigger
// actions plus the comment ones, a view's conditions are trigger conditions on
// the ticket as it stands (no "changed", no comment) plus hours since created or
// updated. Views are evaluated as SQL by the store; this file only says which
// rules are well formed and applies a macro's ticket actions.

// Macro comment actions: they fill the reply, they do not change the ticket.
const (
	ActCommentValue     = "comment_value"
	ActCommentValueHTML = "comment_value_html"
	ActCommentPublic    = "comment_mode_is_public"
)

// View time conditions, as Zendesk names them: hours since created, since
// updated; and, named as the automation condition, hours until the next SLA
// breach.
const (
	CondHoursSinceCreated    = "NEW"
	CondHoursSinceUpdated    = "updated_at"
	CondHoursUntilNextBreach = "hours_until_next_sla_breach"
)

// viewOps are the operators a view accepts per field: the ticket's state only.
var viewOps = [...]opSet{
	fStatus:    isOps | orderOps,
	fPriority:  isOps | orderOps,
	fType:      isOps,
	fGroup:     isOps | presentOps,
	fAssignee:  isOps | presentOps,
	fRequester: isOps,
	fForm:      isOps | presentOps,
	fCustom:    isOps | presentOps,
	fTags:      tagOps,
}

// ValidateMacro checks a macro before it is saved: a title, at least one action,
// and each action a trigger action (no notifications: a macro proposes a change
// to an agent, it sends nothing) or a comment one.
func ValidateMacro(m *model.Macro) error {
	v := &model.ValidationError{}
	if strings.TrimSpace(m.Title) == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	}
	if len(m.Actions) == 0 {
		v.Add("actions", "BlankValue", "Actions: must have at least one action")
	}
	for i, a := range m.Actions {
		if p := checkMacroAct(a); p != "" {
			v.Add(fmt.Sprintf("actions[%d]", i), "InvalidValue", "actions[%d]: %s %q: %s", i, a.Field, a.Value, p)
		}
	}
	return v.OrNil()
}

func checkMacroAct(a model.Action) string {
	switch a.Field {
	case ActCommentValue, ActCommentValueHTML:
		return when(len(a.Value) != 1, probOneValue)
	case ActCommentPublic:
		return when(len(a.Value) != 1 || a.Value[0] != "true" && a.Value[0] != "false", `must be "true" or "false"`)
	}
	kind, _ := parseActField(a.Field)
	if kind == aWebhook || kind == aTarget {
		return probField
	}
	return checkAct(kind, a.Value)
}

// MacroChange is what applying a macro proposes.
type MacroChange struct {
	// Events are the ticket fields the macro changed, as audit events.
	Events []model.AuditEvent
	// Comment and CommentHTML are the raw Liquid templates of the reply; the
	// caller renders them. Public is nil unless the macro sets the comment mode.
	Comment, CommentHTML string
	Public               *bool
}

// ApplyMacro applies m's ticket actions to t in place, as actor would, and
// returns the changes and the comment actions. Actions Validate would refuse
// are skipped, as a trigger's are.
func ApplyMacro(m *model.Macro, t *model.Ticket, actor model.User, env Env) MacroChange {
	var out MacroChange
	var res Result
	before := t.Clone()
	ch := &model.Change{Before: &before, After: t, Actor: actor}
	a := applier{ch: ch, env: env, res: &res}
	cp := &compiler{}
	for _, ac := range m.Actions {
		switch ac.Field {
		case ActCommentValue, ActCommentValueHTML:
			if len(ac.Value) == 1 {
				// Several comment actions append, as Zendesk's do.
				dst := &out.Comment
				if ac.Field == ActCommentValueHTML {
					dst = &out.CommentHTML
				}
				*dst = joinLines(*dst, ac.Value[0])
			}
		case ActCommentPublic:
			if len(ac.Value) == 1 {
				pub := ac.Value[0] == "true"
				out.Public = &pub
			}
		default:
			c := cp.act(ac)
			if c.kind != aWebhook && c.kind != aTarget {
				a.apply(&c)
			}
		}
	}
	out.Events = res.Events
	return out
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// ValidateView checks a view before it is saved: a title, at least one "all"
// condition (Zendesk's rule), and conditions a view can evaluate.
func ValidateView(vw *model.View) error {
	v := &model.ValidationError{}
	if strings.TrimSpace(vw.Title) == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	}
	if len(vw.Conditions.All) == 0 {
		v.Add("conditions", "BlankValue", "Conditions: must have at least one \"all\" condition")
	}
	for _, g := range []struct {
		name string
		cs   []model.Condition
	}{{"all", vw.Conditions.All}, {"any", vw.Conditions.Any}} {
		group := g.name
		for i, c := range g.cs {
			if p := CheckViewCond(c); p != "" {
				v.Add(fmt.Sprintf("conditions.%s[%d]", group, i), "InvalidValue",
					"conditions.%s[%d]: %s %s %q: %s", group, i, c.Field, c.Operator, c.Value, p)
			}
		}
	}
	switch vw.Execution.SortOrder {
	case "", "asc", "desc":
	default:
		v.Add("execution.sort_order", "InvalidValue", `Sort order: must be "asc" or "desc"`)
	}
	return v.OrNil()
}

// CheckViewCond returns what is wrong with a view condition, or "".
func CheckViewCond(c model.Condition) string {
	if c.Field == CondHoursSinceCreated || c.Field == CondHoursSinceUpdated || c.Field == CondHoursUntilNextBreach {
		switch c.Operator {
		case "is", "less_than", "greater_than":
		default:
			return probOperator
		}
		n, err := strconv.ParseInt(c.Value, 10, 64)
		return when(err != nil || n < 0 || n > 1e6, "must be a whole number of hours")
	}
	kind, _ := parseCondField(c.Field)
	if kind == fUnknown || int(kind) >= len(viewOps) || viewOps[kind] == 0 {
		return "is not a field a view can use"
	}
	op := parseOp(c.Operator)
	if !viewOps[kind].has(op) {
		return probOperator
	}
	if op == opPresent || op == opNotPresent {
		return ""
	}
	if c.Value == "requester_id" {
		return probID // "the ticket's requester" compares two columns, which views don't
	}
	if kind == fPriority && (op == opLess || op == opGreater) && priorityRank(c.Value) < 0 {
		return probPriority
	}
	return checkCondValue(kind, op, c.Value)
}

package rules

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// cond is a condition parsed once: field, operator and value are decoded so that
// evaluating it allocates nothing.
type cond struct {
	kind    fieldKind
	op      opKind
	ok      bool // false when the condition is malformed: it then never holds
	ref     ref
	fieldID int64    // custom field id
	id      int64    // literal id value
	rank    int      // status or priority rank of the value
	num     float64  // value of a numeric less_than / greater_than
	raw     string   // the value as written (role normalised)
	words   []string // tags or comment phrases of a space-separated list
}

// cond decodes c. A condition Validate would reject compiles to one that
// never holds, so a bad trigger stored before validation existed cannot misfire.
func (cp *compiler) cond(c model.Condition) cond {
	kind, fieldID := parseCondField(c.Field)
	out := cond{kind: kind, op: parseOp(c.Operator), fieldID: fieldID, raw: c.Value}
	if checkCond(kind, out.op, c.Value) != "" {
		return out
	}
	switch kind {
	case fGroup, fAssignee, fRequester, fForm:
		out.ref, out.id, _ = parseRef(c.Value, true)
	case fStatus:
		out.rank = statusRank(model.Status(c.Value))
	case fPriority:
		out.rank = priorityRank(c.Value)
	case fCustom:
		out.num, _ = strconv.ParseFloat(c.Value, 64)
	case fTags, fCommentWords:
		out.words = cp.fields(c.Value)
	case fRole:
		out.raw = string(normRole(c.Value))
	}
	out.ok = true
	return out
}

// actKind is an action field.
type actKind uint8

const (
	aUnknown actKind = iota
	aStatus
	aPriority
	aType
	aGroup
	aAssignee
	aForm
	aSetTags
	aAddTags
	aRemoveTags
	aCustom
	aWebhook
	aTarget
	aUser // notification_user: mail to a user (desk/mail_notify.go)
)

func parseActField(name string) (actKind, int64) {
	switch name {
	case "status":
		return aStatus, 0
	case "priority":
		return aPriority, 0
	case "type":
		return aType, 0
	case "group_id":
		return aGroup, 0
	case "assignee_id":
		return aAssignee, 0
	case "ticket_form_id":
		return aForm, 0
	case "set_tags":
		return aSetTags, 0
	case "current_tags":
		return aAddTags, 0
	case "remove_tags":
		return aRemoveTags, 0
	case "notification_webhook":
		return aWebhook, 0
	case "notification_target":
		return aTarget, 0
	case "notification_user":
		return aUser, 0
	}
	if id := parseCustom(name); id != 0 {
		return aCustom, id
	}
	return aUnknown, 0
}

// act is an action parsed once.
type act struct {
	kind    actKind
	ok      bool // false when malformed: the action is then skipped
	ref     ref
	fieldID int64    // custom field id
	id      int64    // literal id value
	arg     string   // the value, or the webhook/target id
	body    string   // notification body
	subject string   // notification_user's subject
	words   []string // tags of a tag action
}

// act decodes a; a malformed action compiles to one that is skipped.
func (cp *compiler) act(a model.Action) act {
	kind, fieldID := parseActField(a.Field)
	out := act{kind: kind, fieldID: fieldID}
	if checkAct(kind, a.Value) != "" {
		return out
	}
	out.arg = a.Value[0]
	switch kind {
	case aGroup, aAssignee, aForm:
		out.ref, out.id, _ = parseRef(out.arg, false)
	case aSetTags, aAddTags, aRemoveTags:
		out.words = cp.fields(out.arg)
	case aWebhook, aTarget:
		out.body = a.Value[1]
	case aUser:
		out.subject, out.body = a.Value[1], a.Value[2]
	}
	out.ok = true
	return out
}

// compiled is one active trigger ready to run.
type compiled struct {
	id       int64
	position int64
	all, any []cond
	acts     []act
}

// Set is a list of triggers compiled for running. It is read-only once built, so
// one Set may serve concurrent runs; callers that keep the trigger list in memory
// can compile it once per change to the list instead of once per ticket update.
type Set struct {
	triggers []compiled
}

// Compile keeps the active triggers, orders them by Position then ID (Zendesk's
// order) and parses their conditions and actions.
func Compile(triggers []model.Trigger) *Set {
	cp := newCompiler(triggers)
	out := make([]compiled, 0, cp.active)
	for i := range triggers {
		if t := &triggers[i]; t.Active {
			out = append(out, cp.trigger(t))
		}
	}
	slices.SortFunc(out, func(a, b compiled) int {
		return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.id, b.id))
	})
	return &Set{triggers: out}
}

// compiler fills one backing array each for conditions, actions and split words,
// which keeps Compile at a handful of allocations however many triggers there are.
// Each trigger takes a capped sub-slice, so later appends never write into it (and
// if the words array has to grow, earlier sub-slices keep the old one).
type compiler struct {
	active int
	conds  []cond
	acts   []act
	words  []string
}

func newCompiler(triggers []model.Trigger) *compiler {
	var nc, na int
	cp := &compiler{}
	for i := range triggers {
		if t := &triggers[i]; t.Active {
			cp.active++
			nc += len(t.Conditions.All) + len(t.Conditions.Any)
			na += len(t.Actions)
		}
	}
	cp.conds = make([]cond, 0, nc)
	cp.acts = make([]act, 0, na)
	cp.words = make([]string, 0, nc+na)
	return cp
}

func (cp *compiler) trigger(t *model.Trigger) compiled {
	c := compiled{id: t.ID, position: t.Position}
	c.all = cp.condList(t.Conditions.All)
	c.any = cp.condList(t.Conditions.Any)
	start := len(cp.acts)
	for _, a := range t.Actions {
		cp.acts = append(cp.acts, cp.act(a))
	}
	c.acts = cp.acts[start:len(cp.acts):len(cp.acts)]
	return c
}

func (cp *compiler) condList(cs []model.Condition) []cond {
	start := len(cp.conds)
	for _, c := range cs {
		cp.conds = append(cp.conds, cp.cond(c))
	}
	return cp.conds[start:len(cp.conds):len(cp.conds)]
}

// fields splits a space-separated list; the items are substrings of s, so only
// the slice holding them is new.
func (cp *compiler) fields(s string) []string {
	start := len(cp.words)
	for f, rest := nextField(s); f != ""; f, rest = nextField(rest) {
		cp.words = append(cp.words, f)
	}
	return cp.words[start:len(cp.words):len(cp.words)]
}

// Len reports how many active triggers the set holds.
func (s *Set) Len() int { return len(s.triggers) }

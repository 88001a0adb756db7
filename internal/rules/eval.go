package rules

import (
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// evalCtx is what conditions look at: the change and the field definitions.
type evalCtx struct {
	ch  *model.Change
	env Env
	// words are the comment's words, lower-cased, split on first use: with many
	// comment_includes_word triggers, splitting the text once per trigger was a
	// sixth of a ticket create's time in the single writer.
	words []string
}

// commentWordList returns the words of cm, splitting it once per run.
func (x *evalCtx) commentWordList(cm *model.Comment) []string {
	if x.words == nil {
		x.words = splitWords(cm.Body)
	}
	return x.words
}

// matches reports whether t's conditions hold: every All one, and at least one Any
// one when there are any.
func (t *compiled) matches(x *evalCtx) bool {
	for i := range t.all {
		if !t.all[i].holds(x) {
			return false
		}
	}
	if len(t.any) == 0 {
		return true
	}
	for i := range t.any {
		if t.any[i].holds(x) {
			return true
		}
	}
	return false
}

func (c *cond) holds(x *evalCtx) bool {
	if !c.ok {
		return false
	}
	ch := x.ch
	switch c.kind {
	case fUpdateType:
		is := ch.IsCreate() == (c.raw == "Create")
		return is == (c.op == opIs)
	case fTags:
		return hasAnyTag(ch.After, c.words) == (c.op == opIncludes)
	case fCommentPublic:
		return commentPublicIs(ch.Comment, c.raw) == (c.op == opIs)
	case fCommentWords:
		return c.commentWords(x, ch.Comment)
	case fRole:
		return roleIs(ch.Actor.Role, model.Role(c.raw)) == (c.op == opIs)
	case fCustom:
		if x.env.Fields[c.fieldID] == nil {
			return false // deleted or unknown field: Zendesk would not fire either
		}
	}
	return c.compare(x)
}

// val is a field value: a string for status, priority, type and custom fields,
// an id for the others. Comparing the struct compares either kind.
type val struct {
	s string
	n int64
}

// compare handles the operators that compare a ticket field with the condition's
// value or with the field's previous value. On create the previous ticket is
// treated as empty, so a field set by the create counts as changed.
func (c *cond) compare(x *evalCtx) bool {
	cur, prev := c.get(x, x.ch.After), c.get(x, x.ch.Before)
	changed := cur != prev
	switch c.op {
	case opChanged:
		return changed
	case opNotChanged:
		return !changed
	case opPresent:
		return cur != val{}
	case opNotPresent:
		return cur == val{}
	case opLess, opGreater:
		return c.order(x, cur)
	}
	want := c.want(x)
	switch c.op {
	case opIs:
		return cur == want
	case opIsNot:
		return cur != want
	case opValue:
		return changed && cur == want
	case opValuePrev:
		return changed && prev == want
	case opNotValue:
		return changed && cur != want
	case opNotValuePrev:
		return changed && prev != want
	}
	return false
}

// get reads the condition's field from t; a nil t (no previous ticket) reads empty.
func (c *cond) get(x *evalCtx, t *model.Ticket) val {
	if t == nil {
		return val{}
	}
	switch c.kind {
	case fStatus:
		return val{s: string(t.Status)}
	case fPriority:
		return val{s: t.Priority}
	case fType:
		return val{s: t.Type}
	case fGroup:
		return val{n: t.GroupID}
	case fAssignee:
		return val{n: t.AssigneeID}
	case fRequester:
		return val{n: t.RequesterID}
	case fForm:
		return val{n: t.TicketFormID}
	case fCustom:
		return val{s: normCustom(x.env.Fields[c.fieldID], t.Field(c.fieldID))}
	}
	return val{}
}

// want resolves the condition's value, including "current_user" and "requester_id".
func (c *cond) want(x *evalCtx) val {
	switch c.kind {
	case fGroup, fAssignee, fRequester, fForm:
		switch c.ref {
		case refCurrentUser:
			return val{n: x.ch.Actor.ID}
		case refRequester:
			return val{n: x.ch.After.RequesterID}
		}
		return val{n: c.id}
	case fCustom:
		return val{s: normCustom(x.env.Fields[c.fieldID], c.raw)}
	}
	return val{s: c.raw}
}

// normCustom makes an unchecked checkbox read the same whether it is stored as
// "false" or not stored at all, so "is false", "changed" and "present" agree.
func normCustom(f *model.TicketField, v string) string {
	if f.Type == model.FieldCheckbox && v == "false" {
		return ""
	}
	return v
}

// order implements less_than / greater_than. Unset or unknown values are not
// ordered, so they match neither operator.
func (c *cond) order(x *evalCtx, cur val) bool {
	var d int
	switch c.kind {
	case fStatus:
		r := statusRank(model.Status(cur.s))
		if r < 0 {
			return false
		}
		d = r - c.rank
	case fPriority:
		r := priorityRank(cur.s)
		if r < 0 {
			return false
		}
		d = r - c.rank
	case fCustom:
		ok := false
		if d, ok = compareNumber(x.env.Fields[c.fieldID], cur.s, c.num); !ok {
			return false
		}
	default:
		return false
	}
	if c.op == opLess {
		return d < 0
	}
	return d > 0
}

// compareNumber compares a numeric custom field's value v with n; ok is false for
// other field types and for empty or malformed values.
func compareNumber(f *model.TicketField, v string, n float64) (d int, ok bool) {
	if f.Type != model.FieldInteger && f.Type != model.FieldDecimal {
		return 0, false
	}
	got, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, false
	}
	switch {
	case got < n:
		return -1, true
	case got > n:
		return 1, true
	}
	return 0, true
}

// hasAnyTag reports whether t carries at least one of tags.
func hasAnyTag(t *model.Ticket, tags []string) bool {
	for _, tag := range tags {
		if t.HasTag(tag) {
			return true
		}
	}
	return false
}

// commentPublicIs implements comment_is_public: "true" needs a public comment,
// "false" a private one. "not_relevant" is what Zendesk's UI calls "Present
// (public or private)": any comment, which is how a trigger says "updated with a
// comment" (the escalation recipe's Send comment). The requester sees exactly the
// public comments, hence "requester_can_see_comment" behaves as "true".
func commentPublicIs(c *model.Comment, v string) bool {
	switch v {
	case "not_relevant":
		return c != nil
	case "true", "requester_can_see_comment":
		return c != nil && c.Public
	case "false":
		return c != nil && !c.Public
	}
	return false
}

// commentWords implements comment_includes_word. Every operator is false when the
// change carries no comment: there is no text to judge.
func (c *cond) commentWords(x *evalCtx, cm *model.Comment) bool {
	if cm == nil {
		return false
	}
	words := x.commentWordList(cm)
	switch c.op {
	case opIncludes:
		return includesAnyPhrase(words, c.words)
	case opNotIncludes:
		return !includesAnyPhrase(words, c.words)
	case opIs:
		return hasPhrase(words, c.raw)
	case opIsNot:
		return !hasPhrase(words, c.raw)
	}
	return false
}

// roleIs compares the actor's role with a role condition. Zendesk admins are
// agents with extra rights, so "agent" matches admins too.
func roleIs(have, want model.Role) bool {
	if want == model.RoleAgent {
		return have.IsStaff()
	}
	return have == want
}

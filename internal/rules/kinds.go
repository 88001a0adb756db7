package rules

import (
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// fieldKind is a condition field, parsed once so evaluation switches on a small
// integer instead of comparing strings.
type fieldKind uint8

const (
	fUnknown fieldKind = iota
	fUpdateType
	fStatus
	fPriority
	fType
	fGroup
	fAssignee
	fRequester
	fForm
	fCustom
	fTags
	fCommentPublic
	fCommentWords
	fRole
)

// customPrefix starts a custom field's name in conditions and actions.
const customPrefix = "custom_fields_"

// parseCustom returns the id in "custom_fields_<id>", or 0.
func parseCustom(name string) int64 {
	rest, ok := strings.CutPrefix(name, customPrefix)
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

func parseCondField(name string) (fieldKind, int64) {
	switch name {
	case "update_type":
		return fUpdateType, 0
	case "status":
		return fStatus, 0
	case "priority":
		return fPriority, 0
	case "type":
		return fType, 0
	case "group_id":
		return fGroup, 0
	case "assignee_id":
		return fAssignee, 0
	case "requester_id":
		return fRequester, 0
	case "ticket_form_id":
		return fForm, 0
	case "current_tags":
		return fTags, 0
	case "comment_is_public":
		return fCommentPublic, 0
	case "comment_includes_word":
		return fCommentWords, 0
	case "role":
		return fRole, 0
	}
	if id := parseCustom(name); id != 0 {
		return fCustom, id
	}
	return fUnknown, 0
}

// opKind is a condition operator.
type opKind uint8

const (
	opUnknown opKind = iota
	opIs
	opIsNot
	opLess
	opGreater
	opChanged
	opNotChanged
	opValue
	opValuePrev
	opNotValue
	opNotValuePrev
	opPresent
	opNotPresent
	opIncludes
	opNotIncludes
)

func parseOp(name string) opKind {
	switch name {
	case "is":
		return opIs
	case "is_not":
		return opIsNot
	case "less_than":
		return opLess
	case "greater_than":
		return opGreater
	case "changed":
		return opChanged
	case "not_changed":
		return opNotChanged
	case "value":
		return opValue
	case "value_previous":
		return opValuePrev
	case "not_value":
		return opNotValue
	case "not_value_previous":
		return opNotValuePrev
	case "present":
		return opPresent
	case "not_present":
		return opNotPresent
	case "includes":
		return opIncludes
	case "not_includes":
		return opNotIncludes
	}
	return opUnknown
}

// opSet is a bit set of operators, used to say which ones a field accepts.
type opSet uint32

func ops(list ...opKind) opSet {
	var s opSet
	for _, o := range list {
		s |= 1 << o
	}
	return s
}

func (s opSet) has(o opKind) bool { return o != opUnknown && s&(1<<o) != 0 }

var (
	changeOps  = ops(opIs, opIsNot, opChanged, opNotChanged, opValue, opValuePrev, opNotValue, opNotValuePrev)
	orderOps   = ops(opLess, opGreater)
	presentOps = ops(opPresent, opNotPresent)
	isOps      = ops(opIs, opIsNot)
	tagOps     = ops(opIncludes, opNotIncludes)
)

// allowedOps lists the operators each field accepts; anything else is rejected by
// Validate and never holds at run time.
var allowedOps = [...]opSet{
	fUpdateType:    isOps,
	fStatus:        changeOps | orderOps,
	fPriority:      changeOps | orderOps,
	fType:          changeOps,
	fGroup:         changeOps | presentOps,
	fAssignee:      changeOps | presentOps,
	fRequester:     changeOps,
	fForm:          changeOps | presentOps,
	fCustom:        changeOps | orderOps | presentOps,
	fTags:          tagOps,
	fCommentPublic: isOps,
	fCommentWords:  tagOps | isOps,
	fRole:          isOps,
}

// ref says what an id value in a condition or action refers to.
type ref uint8

const (
	refLiteral ref = iota // a number, or "" meaning none (id 0)
	refCurrentUser
	refRequester
)

// parseRef reads an id value: "", a positive number, "current_user" or, when
// allowRequester, "requester_id". ok is false for anything else.
func parseRef(v string, allowRequester bool) (r ref, id int64, ok bool) {
	switch v {
	case "":
		return refLiteral, 0, true
	case "current_user":
		return refCurrentUser, 0, true
	case "requester_id":
		return refRequester, 0, allowRequester
	}
	id, ok = parseID(v)
	return refLiteral, id, ok
}

// parseID reads a positive decimal id.
func parseID(v string) (int64, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// statusRank is model.Status.Rank as a switch: it runs for every status
// comparison in every pass, where the map lookup behind Rank showed in profiles.
// TestStatusRankMatchesModel keeps the two in step.
func statusRank(s model.Status) int {
	switch s {
	case model.StatusNew:
		return 0
	case model.StatusOpen:
		return 1
	case model.StatusPending:
		return 2
	case model.StatusHold:
		return 3
	case model.StatusSolved:
		return 4
	case model.StatusClosed:
		return 5
	}
	return -1
}

// priorityRank orders priorities for less_than / greater_than; -1 if unset or unknown.
func priorityRank(p string) int {
	switch p {
	case "low":
		return 0
	case "normal":
		return 1
	case "high":
		return 2
	case "urgent":
		return 3
	}
	return -1
}

func validType(v string) bool {
	for _, t := range model.TicketTypes {
		if v == t {
			return true
		}
	}
	return false
}

// normRole maps a role condition value to model.Role, accepting Zendesk's
// "end_user" spelling next to twindesk's "end-user"; "" if unknown.
func normRole(v string) model.Role {
	switch v {
	case "end_user", "end-user":
		return model.RoleEndUser
	case "agent":
		return model.RoleAgent
	case "admin":
		return model.RoleAdmin
	}
	return ""
}

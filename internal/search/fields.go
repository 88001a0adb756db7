package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// kind says how a keyword's value is checked and normalised.
type kind int

const (
	kindText    kind = iota // any value, kept as written
	kindPerson              // any value; "me" and "none" are lower-cased
	kindEnum                // one of spec.values, lower-cased
	kindDate                // absolute date or relative duration, kept raw
	kindID                  // positive integer
	kindType                // type: sets Query.Type or a ticket_type condition
	kindOrderBy             // order_by: sets Query.OrderBy
	kindSort                // sort: sets Query.SortOrder
)

// fieldSpec describes one search keyword.
type fieldSpec struct {
	name      string // normalised Cond.Field
	kind      kind
	orderable bool     // accepts <, >, <=, >=
	nullable  bool     // accepts the value "none" (with ':' only)
	values    []string // allowed values of a kindEnum field, in rank order
}

// Ordered value lists; their order is what <, > and friends compare.
var (
	statusOrder = []string{
		string(model.StatusNew), string(model.StatusOpen), string(model.StatusPending),
		string(model.StatusHold), string(model.StatusSolved), string(model.StatusClosed),
	}
	priorityOrder = []string{"low", "normal", "high", "urgent"}
	roleValues    = []string{string(model.RoleEndUser), string(model.RoleAgent), string(model.RoleAdmin)}
)

// specs maps lower-cased keyword names, including aliases, to their spec.
var specs = map[string]fieldSpec{
	"type":        {name: "type", kind: kindType},
	"order_by":    {name: "order_by", kind: kindOrderBy},
	"sort":        {name: "sort", kind: kindSort},
	"status":      {name: "status", kind: kindEnum, orderable: true, values: statusOrder},
	"priority":    {name: "priority", kind: kindEnum, orderable: true, nullable: true, values: priorityOrder},
	"ticket_type": {name: "ticket_type", kind: kindEnum, nullable: true, values: model.TicketTypes},
	"group":       {name: "group", kind: kindText, nullable: true},
	"assignee":    {name: "assignee", kind: kindPerson, nullable: true},
	"requester":   {name: "requester", kind: kindPerson},
	"submitter":   {name: "submitter", kind: kindPerson},
	"tags":        {name: "tags", kind: kindText, nullable: true},
	"tag":         {name: "tags", kind: kindText, nullable: true},
	"external_id": {name: "external_id", kind: kindText, nullable: true},
	"created":     {name: "created", kind: kindDate, orderable: true},
	"created_at":  {name: "created", kind: kindDate, orderable: true},
	"updated":     {name: "updated", kind: kindDate, orderable: true},
	"updated_at":  {name: "updated", kind: kindDate, orderable: true},
	"solved":      {name: "solved", kind: kindDate, orderable: true},
	"solved_at":   {name: "solved", kind: kindDate, orderable: true},
	"subject":     {name: "subject", kind: kindText},
	"description": {name: "description", kind: kindText},
	"via":         {name: "via", kind: kindText},
	"id":          {name: "id", kind: kindID, orderable: true},
	"email":       {name: "email", kind: kindText, nullable: true},
	"name":        {name: "name", kind: kindText},
	"role":        {name: "role", kind: kindEnum, values: roleValues},
	// organization: names an organization by name or id, as Zendesk's does.
	"organization": {name: "organization", kind: kindText, nullable: true},
}

// orderByValues maps accepted order_by values to Query.OrderBy.
var orderByValues = map[string]string{
	"created": "created_at", "created_at": "created_at",
	"updated": "updated_at", "updated_at": "updated_at",
	"priority": "priority", "status": "status",
	"ticket_type": "ticket_type", "type": "ticket_type",
}

const customFieldPrefix = "custom_field_"

// lookup returns the spec for a keyword as typed, or false if it is unknown.
func lookup(key string) (fieldSpec, bool) {
	k := strings.ToLower(key)
	if s, ok := specs[k]; ok {
		return s, true
	}
	digits, ok := strings.CutPrefix(k, customFieldPrefix)
	if !ok || !allDigits(digits) {
		return fieldSpec{}, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || id <= 0 {
		return fieldSpec{}, false
	}
	return fieldSpec{name: customFieldPrefix + strconv.FormatInt(id, 10), kind: kindText, nullable: true}, true
}

// normalize checks v for a condition on s with operator op and returns the
// value to store in Cond.Value, or a message explaining what is wrong.
func (s fieldSpec) normalize(op Op, v string) (string, string) {
	if s.nullable && strings.EqualFold(v, "none") {
		if op != OpEq {
			return "", fmt.Sprintf("%s:none cannot be compared with %q", s.name, op)
		}
		return "none", ""
	}
	switch s.kind {
	case kindPerson:
		if strings.EqualFold(v, "me") {
			return "me", ""
		}
	case kindEnum:
		lv := strings.ToLower(v)
		if !slices.Contains(s.values, lv) {
			return "", fmt.Sprintf("invalid %s value %q (want %s)", s.name, v, strings.Join(s.values, ", "))
		}
		return lv, ""
	case kindDate:
		if _, err := parseTime(v, epoch); err != nil {
			return "", fmt.Sprintf("invalid date %q for %s (want YYYY-MM-DD, RFC 3339, or a relative value such as 3days)", v, s.name)
		}
	case kindID:
		if id, err := strconv.ParseInt(v, 10, 64); err != nil || id <= 0 || !allDigits(v) {
			return "", fmt.Sprintf("invalid id %q (want a positive number)", v)
		}
	}
	return v, ""
}

// EnumValues returns the values of an ordered field (status or priority)
// that satisfy c, ignoring c.Negate, so the store can emit IN (...). For
// status<solved it returns new, open, pending, hold. It returns nil for
// other fields and for the value "none".
func (c Cond) EnumValues() []string {
	var order []string
	switch c.Field {
	case "status":
		order = statusOrder
	case "priority":
		order = priorityOrder
	}
	i := slices.Index(order, c.Value)
	if i < 0 {
		return nil
	}
	switch c.Op {
	case OpLT:
		return slices.Clone(order[:i])
	case OpLE:
		return slices.Clone(order[:i+1])
	case OpGT:
		return slices.Clone(order[i+1:])
	case OpGE:
		return slices.Clone(order[i:])
	}
	return []string{c.Value}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

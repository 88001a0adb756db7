package search

import (
	"errors"
	"strings"
	"testing"
)

// validFields is every Cond.Field Parse may produce, except custom fields.
var validFields = map[string]bool{
	"status": true, "priority": true, "ticket_type": true, "group": true, "assignee": true,
	"requester": true, "submitter": true, "tags": true, "external_id": true, "created": true,
	"updated": true, "solved": true, "subject": true, "description": true, "via": true,
	"id": true, "email": true, "name": true, "role": true,
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "printer", `"printer on fire"`, "type:ticket status<solved", `group:"IT Ops"`,
		"-tags:spam print* 123", "created>2026-01-01 updated>3days", "order_by:created sort:asc",
		`"unterminated`, "status:", "-", "custom_field_1:x", "a<=b", "type:incident",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := Parse(q)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %T %v, want *ParseError", q, err, err)
			}
			if pe.Pos < 0 || pe.Pos > len(q) {
				t.Fatalf("Parse(%q) error position %d outside [0, %d]", q, pe.Pos, len(q))
			}
			if got != nil {
				t.Fatalf("Parse(%q) returned both a query and an error", q)
			}
			return
		}
		if got == nil {
			t.Fatalf("Parse(%q) returned a nil query and a nil error", q)
		}
		checkQuery(t, q, got)
	})
}

// checkQuery asserts the invariants every successfully parsed query keeps.
func checkQuery(t *testing.T, q string, got *Query) {
	t.Helper()
	for _, w := range append(append([]string{}, got.Words...), got.NotWords...) {
		if w == "" || w != strings.ToLower(w) {
			t.Fatalf("Parse(%q): word %q is empty or not lower-cased", q, w)
		}
	}
	for _, c := range got.Conds {
		if !validFields[c.Field] && !strings.HasPrefix(c.Field, customFieldPrefix) {
			t.Fatalf("Parse(%q): unexpected field %q", q, c.Field)
		}
		if c.Value == "" {
			t.Fatalf("Parse(%q): empty value for %s", q, c.Field)
		}
		switch c.Op {
		case OpEq, OpLT, OpGT, OpLE, OpGE:
		default:
			t.Fatalf("Parse(%q): unexpected operator %q", q, c.Op)
		}
	}
	for _, id := range got.IDs {
		if id <= 0 {
			t.Fatalf("Parse(%q): non-positive id %d", q, id)
		}
	}
}

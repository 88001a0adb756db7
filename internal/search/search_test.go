package search

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func eq(f string, v string) Cond         { return Cond{Field: f, Op: OpEq, Value: v} }
func not(f string, v string) Cond        { return Cond{Field: f, Op: OpEq, Value: v, Negate: true} }
func cmp(f string, op Op, v string) Cond { return Cond{Field: f, Op: op, Value: v} }

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Query
	}{
		{"empty", "", Query{}},
		{"whitespace", " \t\n ", Query{}},
		{"words lower-cased", "Printer ON fire", Query{Words: []string{"printer", "on", "fire"}}},
		{"phrase", `"Printer  on Fire"`, Query{Words: []string{"printer on fire"}}},
		{"empty phrase dropped", `"" "  " x`, Query{Words: []string{"x"}}},
		{"negated word and phrase", `-spam -"out of office"`, Query{NotWords: []string{"spam", "out of office"}}},
		{"wildcard kept", "print* -foo*", Query{Words: []string{"print*"}, NotWords: []string{"foo*"}}},
		{"bare numbers are ids only", "123 0042 abc", Query{IDs: []int64{123, 42}, Words: []string{"abc"}}},
		{"zero and huge numbers are words", "0 99999999999999999999", Query{Words: []string{"0", "99999999999999999999"}}},
		{"negated number is a not-word", "-123", Query{NotWords: []string{"123"}}},
		{"type ticket", "type:ticket", Query{Type: "ticket"}},
		{"type case-insensitive", "TYPE:User", Query{Type: "user"}},
		{"type repeated", "type:ticket type:ticket", Query{Type: "ticket"}},
		{"type organization", "type:Organization acme", Query{Type: "organization", Words: []string{"acme"}}},
		{"organization keyword", `organization:"Acme Corp" -organization:none`, Query{Conds: []Cond{eq("organization", "Acme Corp"), not("organization", "none")}}},
		{"type as ticket type", "type:Incident", Query{Conds: []Cond{eq("ticket_type", "incident")}}},
		{"negated type as ticket type", "-type:task", Query{Conds: []Cond{not("ticket_type", "task")}}},
		{"status eq", "status:Open", Query{Conds: []Cond{eq("status", "open")}}},
		{"status lt", "status<solved", Query{Conds: []Cond{cmp("status", OpLT, "solved")}}},
		{"status ge", "status>=pending", Query{Conds: []Cond{cmp("status", OpGE, "pending")}}},
		{"status le gt", "status<=hold status>new", Query{Conds: []Cond{
			cmp("status", OpLE, "hold"), cmp("status", OpGT, "new")}}},
		{"priority", "priority:HIGH priority>normal", Query{Conds: []Cond{
			eq("priority", "high"), cmp("priority", OpGT, "normal")}}},
		{"priority none", "priority:none", Query{Conds: []Cond{eq("priority", "none")}}},
		{"ticket_type", "ticket_type:incident", Query{Conds: []Cond{eq("ticket_type", "incident")}}},
		{"group quoted", `group:"IT Ops"`, Query{Conds: []Cond{eq("group", "IT Ops")}}},
		{"group quoted trimmed", `group:" IT Ops "`, Query{Conds: []Cond{eq("group", "IT Ops")}}},
		{"group none", "group:NONE", Query{Conds: []Cond{eq("group", "none")}}},
		{"assignee forms", `assignee:Me assignee:none assignee:a@B.com assignee:42 assignee:"Jane Doe"`,
			Query{Conds: []Cond{eq("assignee", "me"), eq("assignee", "none"),
				eq("assignee", "a@B.com"), eq("assignee", "42"), eq("assignee", "Jane Doe")}}},
		{"requester submitter", "requester:jo@x.io submitter:me", Query{Conds: []Cond{
			eq("requester", "jo@x.io"), eq("submitter", "me")}}},
		{"tags and tag", "tags:vip tag:Billing -tags:spam", Query{Conds: []Cond{
			eq("tags", "vip"), eq("tags", "Billing"), not("tags", "spam")}}},
		{"external_id", "external_id:123", Query{Conds: []Cond{eq("external_id", "123")}}},
		{"created date", "created>2026-01-01", Query{Conds: []Cond{cmp("created", OpGT, "2026-01-01")}}},
		{"created rfc3339", "created<2026-01-01T10:00:00Z", Query{Conds: []Cond{
			cmp("created", OpLT, "2026-01-01T10:00:00Z")}}},
		{"created quoted with space", `created>="2026-01-01 10:00"`, Query{Conds: []Cond{
			cmp("created", OpGE, "2026-01-01 10:00")}}},
		{"updated relative", "updated>3days solved<=2Hours created_at>90min", Query{Conds: []Cond{
			cmp("updated", OpGT, "3days"), cmp("solved", OpLE, "2Hours"), cmp("created", OpGT, "90min")}}},
		{"order and sort", "order_by:created sort:ASC", Query{OrderBy: "created_at", SortOrder: "asc"}},
		{"order_by updated", "order_by:Updated_At sort:desc", Query{OrderBy: "updated_at", SortOrder: "desc"}},
		{"order_by ticket_type", "order_by:ticket_type order_by:priority", Query{OrderBy: "priority"}},
		{"custom field", "custom_field_123:Blue CUSTOM_FIELD_0456:none", Query{Conds: []Cond{
			eq("custom_field_123", "Blue"), eq("custom_field_456", "none")}}},
		{"custom field bad id is text", "custom_field_x:1", Query{Words: []string{"custom_field_x:1"}}},
		{"subject description via", `subject:"Disk full" description:oops via:email`, Query{Conds: []Cond{
			eq("subject", "Disk full"), eq("description", "oops"), eq("via", "email")}}},
		{"id", "id:7 id>100", Query{Conds: []Cond{eq("id", "7"), cmp("id", OpGT, "100")}}},
		{"user keywords", "type:user email:a@b.c name:Jane role:Agent", Query{Type: "user", Conds: []Cond{
			eq("email", "a@b.c"), eq("name", "Jane"), eq("role", "agent")}}},
		{"unknown key is text", "Foo:Bar http://x.io/A", Query{Words: []string{"foo:bar", "http://x.io/a"}}},
		{"unknown key quoted is phrase", `-foo:"Big  Cat"`, Query{NotWords: []string{"foo:big cat"}}},
		{"unknown key with operator", "a<=b 10:30 :x <y", Query{Words: []string{"a<=b", "10:30", ":x", "<y"}}},
		{"quote splits word", `foo"bar baz"`, Query{Words: []string{"foo", "bar baz"}}},
		{"quote ends value", `status:open"x"`, Query{Words: []string{"x"}, Conds: []Cond{eq("status", "open")}}},
		{"double dash", "--x", Query{NotWords: []string{"-x"}}},
		{"inner dash", "e-mail created>2026-01-01", Query{Words: []string{"e-mail"},
			Conds: []Cond{cmp("created", OpGT, "2026-01-01")}}},
		{"mixed", `type:ticket status<solved group:"IT Ops" printer -tags:spam 77 order_by:updated`, Query{
			Type: "ticket", Words: []string{"printer"}, IDs: []int64{77}, OrderBy: "updated_at",
			Conds: []Cond{cmp("status", OpLT, "solved"), eq("group", "IT Ops"), not("tags", "spam")}}},
		{"max length", strings.Repeat("a", MaxQueryLen), Query{Words: []string{strings.Repeat("a", MaxQueryLen)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.in, *got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		pos  int
		msg  string // substring of the message
	}{
		{"unterminated phrase", `printer "on fire`, 8, "unterminated quote"},
		{"unterminated value", `group:"IT Ops`, 6, "unterminated quote"},
		{"unterminated after word", `foo"bar`, 3, "unterminated quote"},
		{"empty status", "status: open", 7, `empty value after "status:"`},
		{"empty status at end", "x status:", 9, "empty value"},
		{"empty quoted value", `group:""`, 6, "empty value"},
		{"empty ordered", "status<", 7, `empty value after "status<"`},
		{"invalid status", "type:ticket status:opn", 19, `invalid status value "opn"`},
		{"invalid status ordered", "status<=done", 8, "invalid status value"},
		{"invalid priority", "priority:p1", 9, "invalid priority value"},
		{"invalid ticket_type", "ticket_type:bug", 12, "invalid ticket_type value"},
		{"invalid role", "role:owner", 5, "invalid role value"},
		{"none compared", "priority<none", 9, "cannot be compared"},
		{"invalid date", "created>2026-13-01", 8, `invalid date "2026-13-01"`},
		{"invalid relative unit", "updated>3fortnights", 8, "invalid date"},
		{"relative too large", "updated>9999999days", 8, "invalid date"},
		{"invalid id", "id:abc", 3, "invalid id"},
		{"order_by unknown", "order_by:commented", 9, `cannot order by "commented"`},
		{"order_by negated", "-order_by:created", 0, "cannot be negated"},
		{"sort invalid", "foo sort:up", 9, `invalid sort "up"`},
		{"sort negated", "-sort:asc", 0, "cannot be negated"},
		{"lone dash", "printer - fire", 8, "lone '-'"},
		{"lone dash at end", "printer -", 8, "lone '-'"},
		{"lt on group", "group<IT", 5, `operator "<" cannot be used with group`},
		{"ge on tags", "-tags>=x", 5, `operator ">="`},
		{"lt on type", "type<ticket", 4, "operator"},
		{"lt on order_by", "order_by>created", 8, "operator"},
		{"unsupported type", "type:group", 5, `unsupported type "group"`},
		{"lt on organization", "organization<acme", 12, `operator "<" cannot be used with organization`},
		{"negated type", "-type:user", 0, "type:user cannot be negated"},
		{"conflicting type", "type:ticket type:user", 17, "conflicts with type:ticket"},
		{"bare wildcard", "printer *", 8, "wildcard"},
		{"negated wildcard", "-**", 1, "wildcard"},
		{"too long", strings.Repeat("a", MaxQueryLen+1), MaxQueryLen, "longer than 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if got != nil {
				t.Errorf("Parse(%q) returned a query with an error: %+v", tt.in, *got)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want *ParseError", tt.in, err)
			}
			if pe.Pos != tt.pos || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Parse(%q) = %d %q, want %d containing %q", tt.in, pe.Pos, pe.Msg, tt.pos, tt.msg)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	t.Parallel()
	_, err := Parse(`status:open "on fire`)
	if got, want := err.Error(), "search: position 12: unterminated quote"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestEnumValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond Cond
		want []string
	}{
		{cmp("status", OpLT, "solved"), []string{"new", "open", "pending", "hold"}},
		{cmp("status", OpLE, "open"), []string{"new", "open"}},
		{cmp("status", OpGT, "hold"), []string{"solved", "closed"}},
		{cmp("status", OpGE, "closed"), []string{"closed"}},
		{cmp("status", OpLT, "new"), []string{}},
		{not("status", "open"), []string{"open"}},
		{cmp("priority", OpGT, "normal"), []string{"high", "urgent"}},
		{eq("priority", "none"), nil},
		{eq("group", "IT"), nil},
	}
	for _, tt := range tests {
		if got := tt.cond.EnumValues(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v.EnumValues() = %#v, want %#v", tt.cond, got, tt.want)
		}
	}
}

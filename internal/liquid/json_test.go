package liquid

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/twindesk/twindesk/internal/model"
)

// hostileTexts are comment bodies that break naive JSON templating.
var hostileTexts = []string{
	`say "hi"`,
	`C:\path\to\file and \"already escaped\"`,
	"line1\nline2\r\nline3",
	"tab\there",
	"</script><script>alert('x')</script>",
	"emoji 🎉 👩‍💻 and ünïcödé",
	"{{ ticket.id }} and {{- current_user.email -}}",
	"{% if true %}x{% endif %} {% raw %} {% include 'x' %}",
	"js line ends \u2028 and \u2029",
	"controls \x00\x01\x08\x0c\x1b\x1f\x7f",
	`trailing backslash \`,
	"",
}

// jsonBody is the kind of body the escalation triggers post.
const jsonBody = `{"ticket":{"subject":"{{ticket.title}}","comment":{"body":"{{ticket.latest_comment}}","public":false},` +
	`"all":"{{ ticket.comments_formatted }}","requester":{"name":"{{ticket.requester.name}}"},"id":{{ticket.id}}}}`

type jsonBodyOut struct {
	Ticket struct {
		Subject string `json:"subject"`
		Comment struct {
			Body string `json:"body"`
		} `json:"comment"`
		All       string `json:"all"`
		Requester struct {
			Name string `json:"name"`
		} `json:"requester"`
		ID int64 `json:"id"`
	} `json:"ticket"`
}

// decodeBody asserts out is valid JSON and decodes it.
func decodeBody(t testing.TB, out string) jsonBodyOut {
	t.Helper()
	if !json.Valid([]byte(out)) {
		t.Fatalf("rendered body is not valid JSON:\n%s", out)
	}
	var got jsonBodyOut
	mustNoError(t, json.Unmarshal([]byte(out), &got), "unmarshal")
	return got
}

func TestJSONModeRoundTripsHostileText(t *testing.T) {
	t.Parallel()
	for _, text := range hostileTexts {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.d.Ticket.Subject = text
			b.d.Comments = append(b.d.Comments, hostileComment(text))
			b.d.Users[10] = model.User{ID: 10, Name: text}

			got := decodeBody(t, b.render(t, jsonBody, true))
			mustEqual(t, text, got.Ticket.Subject, "subject")
			mustEqual(t, text, got.Ticket.Comment.Body, "latest comment")
			mustEqual(t, text, got.Ticket.Requester.Name, "requester name")
			mustEqual(t, b.render(t, "{{ ticket.comments_formatted }}", false), got.Ticket.All, "comments_formatted")
			mustEqual(t, int64(7), got.Ticket.ID, "id")
		})
	}
}

func TestJSONModeInvalidUTF8BecomesReplacementChar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.d.Ticket.Subject = "bad \xff\xfe byte"
	got := decodeBody(t, b.render(t, jsonBody, true))
	mustEqual(t, "bad \uFFFD\uFFFD byte", got.Ticket.Subject)
}

func TestJSONModeTagsCompareRawValues(t *testing.T) {
	t.Parallel()
	// The seed's group-mapping pattern: tags must see the raw id, not escaped text.
	const mapping = `{% case ticket.group.id %}{% when 5 %}{% assign group = '9' %}{% else %}{% assign group = '' %}{% endcase %}` +
		`{"group_id":"{{ group }}"}`
	tests := []struct {
		name    string
		groupID int64
		want    string
	}{
		{"mapped group", 5, `{"group_id":"9"}`},
		{"other group", 6, `{"group_id":""}`},
		{"no group", 0, `{"group_id":""}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.d.Ticket.GroupID = tc.groupID
			b.d.Group = nil
			for _, jsonMode := range []bool{false, true} {
				mustEqual(t, tc.want, b.render(t, mapping, jsonMode), jsonMode)
			}
		})
	}
}

func TestJSONModeConditionsSeeUnescapedStrings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.d.Ticket.Subject = `a "quoted" \ subject`
	tmpl := `{% assign s = ticket.title %}{% if s == 'a "quoted" \ subject' %}{"ok":"{{ s }}"}{% else %}{"ok":"no"}{% endif %}`
	mustEqual(t, `{"ok":"a \"quoted\" \\ subject"}`, b.render(t, tmpl, true))
}

func TestJSONModeRewriteRules(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, tmpl, want string }{
		{"ids are plain numbers", `{"id":{{ticket.id}},"g":{{ ticket.group.id }}}`, `{"id":7,"g":5}`},
		{"whitespace control", "\"  {{- ticket.tags -}}  \"", `"alpha beta"`},
		{"raw is untouched", `{% raw %}"{{ ticket.id }}"{% endraw %}`, `"{{ ticket.id }}"`},
		{"comment is dropped", `{% comment %}{{ ticket.id }}{% endcomment %}x`, `x`},
		{"filters still apply", `"{{ ticket.title | upcase | append: '"' }}"`, `"PRINTER ON FIRE\""`},
		{"expressions in outputs", `"{{ ticket.id == 7 }}"`, `"true"`},
		{"capture is escaped once, at output", `{% capture c %}"{{ ticket.title }}"{% endcapture %}"{{ c }}"`, `"\"Printer on fire\""`},
		{"explicit json_escape is not doubled", `"{{ ticket.title | append: '"' | json_escape }}"`, `"Printer on fire\""`},
		{"json filter yields a JSON value", `{{ ticket.tags | split: " " | json }}`, `["alpha","beta"]`},
		{"loops", `[{% for c in ticket.comments %}"{{ c.value }}"{% unless forloop.last %},{% endunless %}{% endfor %}]`, `["secret note","reply","first"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			mustEqual(t, tc.want, b.render(t, tc.tmpl, true), tc.tmpl)
		})
	}
}

// TestJSONEscapeMatchesPlainOutput checks that, for every kind of value, the JSON
// mode output is exactly the plain output, escaped.
func TestJSONEscapeMatchesPlainOutput(t *testing.T) {
	t.Parallel()
	tmpls := []string{
		"{{ ticket.id }}", "{{ 3.25 }}", "{{ true }}", "{{ nil }}", "{{ ticket.nope }}",
		`{{ ticket.tags | split: " " }}`, `{{ ticket.comments | map: "id" }}`,
		`{{ ticket.created_at | date: "%Y-%m-%d" }}`, "{{ (1..3) }}", "{{ ticket.group }}",
	}
	for _, tmpl := range tmpls {
		t.Run(tmpl, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			plain := b.render(t, tmpl, false)
			var decoded string
			mustNoError(t, json.Unmarshal([]byte(`"`+b.render(t, tmpl, true)+`"`), &decoded), tmpl)
			mustEqual(t, plain, decoded, tmpl)
		})
	}
}

func TestJSONEscapeValues(t *testing.T) {
	t.Parallel()
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	s := "p\"tr"
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, ""},
		{"string", "a\"b\\c\nd\te\u2028f\u2029", `a\"b\\c\nd\te\u2028f\u2029`},
		{"controls", "\x00\x1f\b\f\r", `\u0000\u001f\u0008\u000c\r`},
		{"html stays readable", "</script>&<>/", "</script>&<>/"},
		{"invalid utf8", "a\xffb", `a\ufffdb`},
		{"real replacement char", "a\uFFFDb", "a\uFFFDb"},
		{"int", int64(42), "42"},
		{"bool", false, "false"},
		{"time", when, "2024-01-02 03:04:05 +0000"},
		{"bytes", []byte(`{"a":1}`), `{\"a\":1}`},
		{"slice", []any{"a\"", 1, nil}, `a\"1`},
		{"pointer", &s, `p\"tr`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mustEqual(t, tc.want, jsonEscape(tc.in))
		})
	}
}

func TestAppendJSONStringRoundTrips(t *testing.T) {
	t.Parallel()
	for _, text := range hostileTexts {
		var b strings.Builder
		appendJSONString(&b, text)
		var got string
		mustNoError(t, json.Unmarshal([]byte(`"`+b.String()+`"`), &got), text)
		mustEqual(t, text, got)
		if !utf8.ValidString(b.String()) {
			t.Fatalf("escaped %q is not valid UTF-8", text)
		}
	}
}

func TestRewriteForJSON(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"{{ a }}", "{{ (a) | json_escape }}"},
		{"{{a}}", "{{ (a) | json_escape }}"},
		{"{{- a -}}", "{{- (a) | json_escape -}}"},
		{"x {{- a }} y {{ b -}} z", "x {{- (a) | json_escape }} y {{ (b) | json_escape -}} z"},
		{"{{ a | upcase }}", "{{ (a | upcase) | json_escape }}"},
		{"{{ a | json }}", "{{ a | json }}"},
		{"{{ a | json_escape }}", "{{ a | json_escape }}"},
		{"{% if a %}{{ a }}{% endif %}", "{% if a %}{{ (a) | json_escape }}{% endif %}"},
		{"{% raw %}{{ a }}{% endraw %}{{ b }}", "{% raw %}{{ a }}{% endraw %}{{ (b) | json_escape }}"},
		{"{% comment %}{% raw %}{{ a }}{% endcomment %}{{ b }}", "{% comment %}{% raw %}{{ a }}{% endcomment %}{{ (b) | json_escape }}"},
		{"{% capture c %}{{ a }}{% endcapture %}{{ c }}", "{% capture c %}{{ a }}{% endcapture %}{{ (c) | json_escape }}"},
		{"{% assign x = a %}", "{% assign x = a %}"},
		{"multi\nline {{ a }}\n", "multi\nline {{ (a) | json_escape }}\n"},
	}
	for _, tc := range tests {
		got, _ := rewriteForJSON(tc.in)
		mustEqual(t, tc.want, got, tc.in)
	}
}

func hostileComment(text string) model.Comment {
	return model.Comment{ID: 99, AuthorID: 10, Body: text, Public: true, CreatedAt: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}
}

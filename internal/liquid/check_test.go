package liquid

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// forwardBody is the standard instance's "Forward and delete" body from the
// escalation recipe (DESIGN section 7), with its group mapping.
const forwardBody = `{% case ticket.group.id %}{% when 5 %}{% assign group = '9' %}{% else %}{% assign group = '' %}{% endcase %}
{"ticket": {
  "subject": "{{ticket.title}}",
  "comment": {"body": "{{ticket.comments_formatted}}", "public": false},
  "requester": {"name": "{{ticket.requester.name}}", "email": "{{ticket.requester.email}}"},
  "group_id": "{{group}}",
  "external_id": "{{ticket.id}}",
  "tags": ["escalated_from_standard", "ticket_stub_required"],
  "custom_fields": [{"id": 360001, "value": "{{current_user.email}}"}, {"id": 360002, "value": "{{ticket.ticket_field_option_title_9001}}"}]
}}`

func TestCheckRejectsBrokenTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tmpl     string
		line     int
		contains string
	}{
		{"unterminated if", "ok\n{% if ticket.id %}", 2, `unterminated "if" block`},
		{"unterminated for", `{% for c in ticket.comments %}{{ c.value }}`, 1, `unterminated "for" block`},
		{"bad expression", "a\nb\n{{ ticket.id | }}", 3, "{{ ticket.id | }}"},
		{"bad tag arguments", `{% assign = 3 %}`, 1, "assign"},
		{"stray clause", `{% when 5 %}`, 1, "not inside case"},
		{"unknown tag", `{% frobnicate %}`, 1, "frobnicate"},
		{"unknown filter", "{\n\"a\": \"{{ ticket.title | no_such_filter }}\"\n}", 2, `undefined filter "no_such_filter" in {{ ticket.title | no_such_filter }}`},
		{"include reads server files", "x\n{% include '/etc/passwd' %}", 2, "include tag is not supported"},
		{"include in a branch not taken", `{% if false %}{% include 'a' %}{% endif %}`, 1, "include tag is not supported"},
	}
	r := NewRenderer()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := r.Check(tc.tmpl)
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("Check(%q) = %v, want a *TemplateError", tc.tmpl, err)
			}
			mustEqual(t, tc.line, te.Line, err)
			if !strings.Contains(te.Error(), tc.contains) {
				t.Fatalf("error %q does not mention %q", te.Error(), tc.contains)
			}
		})
	}
}

func TestCheckAcceptsValidTemplates(t *testing.T) {
	t.Parallel()
	tests := []string{
		"",
		"no placeholders at all",
		forwardBody,
		"https://secure.example.com/api/v2/tickets/{{ticket.external_id}}.json",
		`{"ticket":{"comment":{"body":"Comment via standard instance:\n{{ticket.latest_comment}}","public":false}}}`,
		`{% raw %}{% include 'x' %}{{ not parsed {% endraw %}`,
		`{% comment %}{% include 'x' %}{% endcomment %}`,
		`{{ ticket.id`, // not an output: Liquid prints it as text
		`{% for c in ticket.comments reversed %}{{ forloop.index }}:{{ c.value | strip_newlines }}{% endfor %}`,
	}
	r := NewRenderer()
	for _, tmpl := range tests {
		t.Run(tmpl, func(t *testing.T) {
			t.Parallel()
			mustNoError(t, r.Check(tmpl), tmpl)
		})
	}
}

func TestSampleDataDryRun(t *testing.T) {
	t.Parallel()
	d := SampleData()
	out, err := NewRenderer().Render(forwardBody, d, d.Users[sampleAgentID], true)
	mustNoError(t, err, "render")
	var got struct {
		Ticket struct {
			Subject string `json:"subject"`
			Comment struct {
				Body string `json:"body"`
			} `json:"comment"`
			Requester struct {
				Name string `json:"name"`
			} `json:"requester"`
			GroupID      string `json:"group_id"`
			ExternalID   string `json:"external_id"`
			CustomFields []struct {
				Value string `json:"value"`
			} `json:"custom_fields"`
		} `json:"ticket"`
	}
	mustNoError(t, json.Unmarshal([]byte(out), &got), out)
	mustEqual(t, d.Ticket.Subject, got.Ticket.Subject)
	mustEqual(t, d.Users[sampleRequesterID].Name, got.Ticket.Requester.Name)
	mustEqual(t, "9", got.Ticket.GroupID)
	mustEqual(t, "4242", got.Ticket.ExternalID)
	mustEqual(t, "sam@example.com", got.Ticket.CustomFields[0].Value)
	mustEqual(t, `Hardware & "Devices"`, got.Ticket.CustomFields[1].Value)
	for _, c := range d.Comments {
		// Private notes too: the escalation forwards the whole conversation.
		if !strings.Contains(got.Ticket.Comment.Body, c.Body) {
			t.Fatalf("comments_formatted lacks comment %d: %q", c.ID, got.Ticket.Comment.Body)
		}
	}
}

func TestSampleDataIsFresh(t *testing.T) {
	t.Parallel()
	a := SampleData()
	a.Ticket.Subject = "changed"
	a.Users[sampleRequesterID] = a.Users[sampleAgentID]
	b := SampleData()
	if b.Ticket.Subject == "changed" || b.Users[sampleRequesterID].ID != sampleRequesterID {
		t.Fatal("SampleData shares state between calls")
	}
}

func TestRenderErrorsQuoteTheAuthorsText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.r.Render("x\n{{ ticket.title | nope }}", b.d, b.user, true)
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("got %v, want a *TemplateError", err)
	}
	mustEqual(t, 2, te.Line)
	if strings.Contains(te.Msg, jsonEscapeFilter) || !strings.Contains(te.Msg, "{{ ticket.title | nope }}") {
		t.Fatalf("message should quote the original output: %q", te.Msg)
	}
}

func TestRenderOutputIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.r.maxOutput = 1000
	_, err := b.r.Render("{% for i in (1..1000) %}{{ ticket.title }}{% endfor %}", b.d, b.user, true)
	var te *TemplateError
	if !errors.As(err, &te) || !strings.Contains(te.Msg, "larger than 1000 bytes") {
		t.Fatalf("got %v, want an output-size error", err)
	}
	out, err := b.r.Render("{% for i in (1..10) %}{{ ticket.title }}{% endfor %}", b.d, b.user, true)
	mustNoError(t, err, "small output")
	mustEqual(t, 150, len(out))
}

func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tmpls := []string{forwardBody, jsonBody, "{{ticket.comments_formatted}}", "{{ticket.id}}-{{current_user.name}}"}
	want := make([]string, len(tmpls))
	for i, tmpl := range tmpls {
		want[i] = b.render(t, tmpl, true)
	}
	r := NewRenderer() // cold cache, so goroutines also race to compile
	var wg sync.WaitGroup
	errs := make(chan error, 16*len(tmpls)*20)
	for g := range 16 {
		wg.Go(func() {
			for n := range 20 {
				i := (g + n) % len(tmpls)
				out, err := r.Render(tmpls[i], b.d, b.user, true)
				if err == nil && out != want[i] {
					err = fmt.Errorf("template %d rendered %q, want %q", i, out, want[i])
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestTemplateCacheIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range cacheSize + 20 {
		b.render(t, fmt.Sprintf("{{ticket.id}} %d", i), i%2 == 0)
	}
	mustEqual(t, cacheSize, b.r.cache.len())
}

func TestTemplateCacheEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := newTemplateCache(2)
	a, bk, ck := cacheKey{src: "a"}, cacheKey{src: "b"}, cacheKey{src: "c"}
	c.put(a, &compiled{})
	c.put(bk, &compiled{})
	if _, ok := c.get(a); !ok {
		t.Fatal("a should be cached")
	}
	c.put(ck, &compiled{})
	if _, ok := c.get(bk); ok {
		t.Fatal("b was least recently used and should be evicted")
	}
	for _, k := range []cacheKey{a, ck} {
		if _, ok := c.get(k); !ok {
			t.Fatalf("%v should be cached", k)
		}
	}
	// JSON and plain forms of one source are different entries.
	if _, ok := c.get(cacheKey{src: "a", jsonMode: true}); ok {
		t.Fatal("JSON form must not share the plain entry")
	}
}

func TestCheckJSONBody(t *testing.T) {
	t.Parallel()
	r := NewRenderer()
	mustNoError(t, r.CheckJSONBody(forwardBody), "forward body")
	tests := []struct{ name, tmpl, contains string }{
		{"seed's unquoted comment", `{"ticket":{"comment":{"body":{{ticket.latest_comment}}}}}`, "valid JSON"},
		{"missing comma", `{"a":"{{ticket.id}}" "b":1}`, `after object key:value pair, near`},
		{"syntax error first", `{"a":"{{ticket.id | }}"}`, "syntax error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := r.CheckJSONBody(tc.tmpl)
			var te *TemplateError
			if !errors.As(err, &te) || !strings.Contains(te.Msg, tc.contains) {
				t.Fatalf("CheckJSONBody(%q) = %v, want a *TemplateError mentioning %q", tc.tmpl, err, tc.contains)
			}
		})
	}
}

package liquid

import (
	"net/url"
	"testing"

	"github.com/twindesk/twindesk/internal/model"
)

// TestRenderURL: a ticket value placed in a URL stays one query value or one path
// segment, whatever it holds; tags still see the raw value.
func TestRenderURL(t *testing.T) {
	t.Parallel()
	r := NewRenderer()
	const tmpl = "https://secure.example/api/v2/tickets/update_many.json?ids={{ticket.external_id}}"
	for _, tc := range []struct{ externalID, want string }{
		{"1,2&x=y", "https://secure.example/api/v2/tickets/update_many.json?ids=1%2C2%26x%3Dy"},
		{"1,2,3,4,5", "https://secure.example/api/v2/tickets/update_many.json?ids=1%2C2%2C3%2C4%2C5"},
		{"7#frag", "https://secure.example/api/v2/tickets/update_many.json?ids=7%23frag"},
		{"42", "https://secure.example/api/v2/tickets/update_many.json?ids=42"},
	} {
		d := SampleData()
		d.Ticket.ExternalID = tc.externalID
		got, err := r.RenderURL(tmpl, d, model.User{})
		mustNoError(t, err, tc.externalID)
		mustEqual(t, tc.want, got, tc.externalID)
		u, err := url.Parse(got)
		mustNoError(t, err, got)
		mustEqual(t, 1, len(u.Query()), "one parameter", got)
		mustEqual(t, tc.externalID, u.Query().Get("ids"), "the value arrives whole", got)
	}

	pathTmpl := "http://std.example:8080/api/v2/tickets/{{ticket.external_id}}.json"
	for _, tc := range []struct{ externalID, want string }{
		{"../users/1", "http://std.example:8080/api/v2/tickets/..%2Fusers%2F1.json"},
		{"..", "http://std.example:8080/api/v2/tickets/%2E%2E.json"},
		{"@evil.example:9999", "http://std.example:8080/api/v2/tickets/%40evil.example%3A9999.json"},
		{"a b%2F", "http://std.example:8080/api/v2/tickets/a%20b%252F.json"},
	} {
		d := SampleData()
		d.Ticket.ExternalID = tc.externalID
		got, err := r.RenderURL(pathTmpl, d, model.User{})
		mustNoError(t, err, tc.externalID)
		mustEqual(t, tc.want, got, tc.externalID)
		u, err := url.Parse(got)
		mustNoError(t, err, got)
		mustEqual(t, "std.example:8080", u.Host, got)
	}

	// A computed authority can't pick another host either: "@" and ":" are encoded.
	d := SampleData()
	d.Ticket.ExternalID = "@other:9999"
	got, err := r.RenderURL(`http://allowed-host{{ ticket.external_id }}{{ "@other:9999" }}/x`, d, model.User{})
	mustNoError(t, err)
	mustEqual(t, "http://allowed-host%40other%3A9999%40other%3A9999/x", got)

	// Tags compare raw values; already-encoded outputs aren't encoded twice.
	d.Ticket.ExternalID = "a,b"
	got, err = r.RenderURL(`http://h/{% if ticket.external_id == "a,b" %}yes{% endif %}/{{ ticket.external_id | url_encode }}/{{ ticket.external_id | url_escape }}`, d, model.User{})
	mustNoError(t, err)
	mustEqual(t, "http://h/yes/a%2Cb/a%2Cb", got)

	// Plain mode is unchanged: bodies are not URLs.
	got, err = r.Render(`{{ ticket.external_id }}`, d, model.User{}, false)
	mustNoError(t, err)
	mustEqual(t, "a,b", got)
}

package liquid

import (
	"encoding/json"
	"testing"
)

// FuzzRenderJSON renders a fixed JSON body with fuzzed text in the subject, the
// latest comment and the requester's name, and requires valid JSON that decodes
// back to the text. Invalid UTF-8 decodes as one U+FFFD per bad byte, which is
// what string([]rune(s)) produces too.
func FuzzRenderJSON(f *testing.F) {
	for _, text := range hostileTexts {
		f.Add(text)
	}
	r := NewRenderer() // shared, so iterations hit the template cache as in production
	f.Fuzz(func(t *testing.T, text string) {
		b := setup(t)
		b.r = r
		b.d.Ticket.Subject = text
		b.d.Comments = append(b.d.Comments, hostileComment(text))
		u := b.d.Users[10]
		u.Name = text
		b.d.Users[10] = u

		got := decodeBody(t, b.render(t, jsonBody, true))
		want := string([]rune(text))
		mustEqual(t, want, got.Ticket.Subject, "subject")
		mustEqual(t, want, got.Ticket.Comment.Body, "latest comment")
		mustEqual(t, want, got.Ticket.Requester.Name, "requester name")
		mustEqual(t, string([]rune(b.render(t, "{{ ticket.comments_formatted }}", false))), got.Ticket.All, "comments_formatted")
	})
}

func BenchmarkRenderJSON(b *testing.B) {
	r := NewRenderer()
	d := SampleData()
	user := d.Users[sampleAgentID]
	out, err := r.Render(forwardBody, d, user, true)
	if err != nil || !json.Valid([]byte(out)) {
		b.Fatalf("bad benchmark body: %v\n%s", err, out)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := r.Render(forwardBody, d, user, true); err != nil {
			b.Fatal(err)
		}
	}
}

package liquid

import "testing"

func TestMailPlaceholders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.d.Comments[1].Body = "line <1>\nline 2"
	b.d.EncodedID = "td-7-abc"
	for tmpl, want := range map[string]string{
		"{{ticket.account}}":                    "127.0.0.1:8080",
		"{{ticket.latest_public_comment_html}}": "<p>line &lt;1&gt;<br>\nline 2</p>",
		"{{ticket.latest_comment_html}}":        "<p>secret note</p>",
		"{{ticket.encoded_id}}":                 "td-7-abc",
	} {
		if got := b.render(t, tmpl, false); got != want {
			t.Errorf("%s = %q, want %q", tmpl, got, want)
		}
	}
	b.d.EncodedID = ""
	if got := b.render(t, "[{{ticket.encoded_id}}]", false); got != "[]" {
		t.Errorf("encoded_id outside mail = %q", got)
	}
}

package webhook

import "testing"

func TestOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://Secure.example:8081/api/v2/tickets/{{ticket.external_id}}.json", "https://secure.example:8081"},
		{"http://secure.example/x", "http://secure.example:80"},
		{"https://secure.example", "https://secure.example:443"},
		{"http://allowed-host{{ \"@other:9999\" }}/x", "http://allowed-host:80"},
		{"http://allowed-host@other:9999/x", "http://other:9999"}, // what that template renders to
		{"https://{{ticket.ticket_field_1}}.example/x", ""},
		{"ftp://host/x", ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		got, ok := Origin(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Origin(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if !SameOrigin("http://h/a", "HTTP://h:80/b?x=1") || SameOrigin("http://h/a", "https://h/a") || SameOrigin("x", "x") {
		t.Error("SameOrigin disagrees with Origin")
	}
}

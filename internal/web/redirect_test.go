package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
)

// browserTarget resolves a Location header the way a browser does: tabs and
// newlines vanish, a backslash counts as a slash, and the result is resolved
// against the page's URL.
func browserTarget(t *testing.T, base, loc string) *url.URL {
	t.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(strings.TrimSpace(loc))
	b, err := url.Parse(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	u, err := b.Parse(loc)
	if err != nil {
		return b // a browser would not follow it either
	}
	return u
}

// TestLoginRedirectStaysOnSite is the open redirect after login: a "next" that a
// browser reads as another origin must land on "/" instead.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	base, _ := url.Parse(b.env.URL)
	evil := []string{
		"/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
		"/\n/evil.example", "/\r\n/evil.example", " //evil.example", "/%2F/evil.example", "/%5Cevil.example",
		"/%09/evil.example", "/%252F/evil.example", "http:evil.example", "/\u200b/evil.example", "\x00//evil.example",
		"javascript:alert(1)", "evil.example",
	}
	for _, next := range evil {
		status, loc := rawLogin(t, b.env.URL, next)
		if status != http.StatusSeeOther {
			t.Fatalf("next %q: status %d", next, status)
		}
		if got := browserTarget(t, b.env.URL, loc); got.Host != base.Host || loc != "/" {
			t.Errorf("next %q: redirected to %q (host %q), want /", next, loc, got.Host)
		}
	}
	c := b.client(t)
	c.get("/login")
	if _, loc, _ := c.post("/login", url.Values{"email": {apitest.AdminEmail}, "password": {password}, "next": {"/tickets/1?x=%2F"}}); loc != "/tickets/1?x=%2F" {
		t.Errorf("a local next became %q", loc)
	}
}

// rawLogin logs the admin in with next and returns the status and the raw
// Location header. It goes below http.Client, which refuses to parse some of the
// Locations a browser would happily follow.
func rawLogin(t *testing.T, base, next string) (int, string) {
	t.Helper()
	res, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRe.FindSubmatch(page)
	if m == nil || len(res.Cookies()) == 0 {
		t.Fatalf("login page without CSRF token or cookie:\n%s", page)
	}
	form := url.Values{"email": {apitest.AdminEmail}, "password": {password}, "next": {next}, "csrf": {string(m[1])}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

package adversarial

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// api is a JSON client for one user of one instance, authenticated with an API
// token (or with a raw Authorization header a listener captured).
type api struct {
	base  string
	email string
	token string
	// authz replaces the token's Basic auth when set.
	authz string
}

// answer is one API response: its status, raw body and decoded object.
type answer struct {
	code int
	raw  []byte
	obj  map[string]any
}

func (a answer) String() string { return fmt.Sprintf("%d %s", a.code, truncate(string(a.raw), 400)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// do sends one request; a transport error fails the test (both instances must
// be up whenever a test talks to them).
func (a api) do(t testing.TB, method, path string, in any) answer {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+"/api/v2"+path, body)
	require.NoError(t, err)
	if a.authz != "" {
		req.Header.Set("Authorization", a.authz)
	} else {
		req.SetBasicAuth(a.email+"/token", a.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	require.NoError(t, err, "%s %s%s", method, a.base, path)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := answer{code: resp.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &out.obj) // error bodies may be empty
	return out
}

// must sends a request that has to succeed with a 2xx.
func (a api) must(t testing.TB, method, path string, in any) map[string]any {
	t.Helper()
	res := a.do(t, method, path, in)
	require.Truef(t, res.code/100 == 2, "%s %s as %s: %s", method, path, a.email, res)
	return res.obj
}

// ticket reads one ticket.
func (a api) ticket(t testing.TB, id int64) map[string]any {
	t.Helper()
	return a.must(t, "GET", fmt.Sprintf("/tickets/%d.json", id), nil)["ticket"].(map[string]any)
}

// createTicket creates a ticket and returns its id.
func (a api) createTicket(t testing.TB, ticket map[string]any) int64 {
	t.Helper()
	return idOf(a.must(t, "POST", "/tickets.json", map[string]any{"ticket": ticket})["ticket"])
}

// list reads key from every page of path (offset pagination, 100 a page).
func (a api) list(t testing.TB, path, key string) []map[string]any {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all []map[string]any
	for page := 1; ; page++ {
		out := a.must(t, "GET", fmt.Sprintf("%s%sper_page=100&page=%d", path, sep, page), nil)
		items, _ := out[key].([]any)
		for _, x := range items {
			all = append(all, x.(map[string]any))
		}
		if next, _ := out["next_page"].(string); next == "" || len(items) == 0 {
			return all
		}
	}
}

func idOf(x any) int64 {
	return int64(x.(map[string]any)["id"].(float64))
}

func tagsOf(tk map[string]any) []string {
	var out []string
	for _, tg := range tk["tags"].([]any) {
		out = append(out, tg.(string))
	}
	return out
}

func fieldValue(tk map[string]any, id int64) any {
	list, _ := tk["custom_fields"].([]any)
	for _, f := range list {
		if f := f.(map[string]any); idOf(f) == id {
			return f["value"]
		}
	}
	return nil
}

// browser is a web UI session: a cookie jar, no redirects followed, and the last
// CSRF token seen.
type browser struct {
	base string
	http *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBrowser(base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends one request and returns its status and body.
func (b *browser) do(t testing.TB, method, path string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		if _, ok := form["csrf"]; !ok {
			form.Set("csrf", b.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if m := csrfRe.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(raw)
}

// page GETs a page that must answer 200.
func (b *browser) page(t testing.TB, path string) string {
	t.Helper()
	code, body := b.do(t, "GET", path, nil)
	require.Equal(t, http.StatusOK, code, "GET %s: %s", path, truncate(body, 400))
	return body
}

// login signs in with the login form, as a person would.
func (b *browser) login(t testing.TB, email, password string) {
	t.Helper()
	b.do(t, "GET", "/login", nil)
	code, body := b.do(t, "POST", "/login", url.Values{"email": {email}, "password": {password}, "next": {"/views/mine"}})
	require.Equal(t, http.StatusSeeOther, code, "login %s: %s", email, truncate(body, 400))
	b.page(t, "/views/mine") // the session's CSRF token
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)

			c := b.client(t)
			status, loc, _ := c.do("GET", "/views/mine", nil)
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				t.Fatalf("anonymous view: status %d location %q, want a redirect to login", status, loc)
			}

			c.get("/login")
			status, _, body := c.post("/login", url.Values{"email": {apitest.AdminEmail}, "password": {"wrong password!"}})
			if status != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password") {
				t.Fatalf("wrong password: status %d, want 401 with a message", status)
			}
			if status, _ := c.get("/views/mine"); status != http.StatusSeeOther {
				t.Fatalf("after a wrong password the views answer %d, want a redirect to login", status)
			}

			c.get("/login")
			status, _, _ = c.post("/login", url.Values{"email": {apitest.AdminEmail}, "password": {password}, "csrf": {""}})
			if status != http.StatusForbidden {
				t.Fatalf("login without CSRF token: status %d, want 403", status)
			}

			c.login(apitest.AdminEmail)
			status, loc, _ = c.post("/logout", url.Values{})
			if status != http.StatusSeeOther || loc != "/login" {
				t.Fatalf("logout: status %d location %q", status, loc)
			}
			if status, _ := c.get("/views/mine"); status != http.StatusSeeOther {
				t.Fatalf("after logout the views answer %d, want a redirect to login", status)
			}
		})
	}
}

func TestEndUserCantLogIn(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	b.env.CreateEndUser(t, "Erin", "erin@example.com")
	if err := b.env.Instance.Desk.SetPassword(context.Background(), "erin@example.com", password); err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.get("/login")
	status, _, _ := c.post("/login", url.Values{"email": {"erin@example.com"}, "password": {password}})
	if status != http.StatusUnauthorized {
		t.Fatalf("end user login: status %d, want 401", status)
	}
}

func TestPostsNeedCSRFToken(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Printer", "It is on fire", "req@example.com", false)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	for name, token := range map[string]string{"missing": "", "wrong": "x" + c.csrf} {
		form := url.Values{"csrf": {token}, "status": {"pending"}, "body": {"forged"}}
		if token == "" {
			form.Del("csrf")
			form.Set("csrf", "")
		}
		status, _, _ := c.do("POST", path, form)
		if status != http.StatusForbidden {
			t.Errorf("%s CSRF token: status %d, want 403", name, status)
		}
	}
	got, err := b.env.Instance.Desk.Ticket(context.Background(), b.admin, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.StatusNew {
		t.Fatalf("a forged post changed the ticket: status %s", got.Status)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	res, err := http.Get(b.env.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	c := b.client(t)
	c.get("/login")
	form := url.Values{"email": {apitest.AdminEmail}, "password": {password}, "csrf": {c.csrf}}
	req, _ := http.NewRequest("POST", b.env.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	u, _ := url.Parse(b.env.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	res, err = c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if strings.HasPrefix(ck.Name, httpx.SessionCookiePrefix) {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP", session)
	}
	if len(session.Value) < 40 {
		t.Fatalf("session id %q is too short to be 32 random bytes", session.Value)
	}
}

func TestCookiesAreSecureBehindHTTPS(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.BaseURL = "https://desk.example" }))
	res, err := http.Get(env.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if len(cookies) != 1 || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("login form cookies %+v: want one Secure, HttpOnly cookie when the public URL is https", cookies)
	}
}

func TestStubIsReadOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	stub := b.stub(t, "4242", "p@example.com")
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", stub.ID)
	_, page := c.get(path)
	if !strings.Contains(page, "Escalated to the secure instance as #4242") {
		t.Fatal("stub page lacks its banner")
	}
	if !strings.Contains(page, "<dt>Secure status</dt><dd>not reported yet</dd>") {
		t.Fatal("the banner must not show the stub's own status (hold) as the secure ticket's")
	}
	if strings.Contains(page, `name="status"`) || strings.Contains(page, `value="public"`) {
		t.Fatal("stub page offers edits or public replies")
	}
	for name, form := range map[string]url.Values{
		"status change": {"status": {"solved"}, "body": {"x"}},
		"public reply":  {"visibility": {"public"}, "body": {"hello requester"}},
		"subject":       {"subject": {"renamed"}},
	} {
		if status, _, _ := c.post(path, form); status != http.StatusForbidden {
			t.Errorf("%s on a stub: status %d, want 403", name, status)
		}
	}
	status, _, _ := c.post(path, url.Values{"visibility": {"internal"}, "body": {"Called the employee back"}})
	if status != http.StatusSeeOther {
		t.Fatalf("internal note on a stub: status %d, want 303", status)
	}
	comments, err := b.env.Instance.DB.Read().Comments(ctx, stub.ID, storePageAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 2 || comments[1].Public || comments[1].Body != "Called the employee back" {
		t.Fatalf("comments after the note: %+v", comments)
	}
	got, _ := b.env.Instance.Desk.Ticket(ctx, b.admin, stub.ID)
	if got.Status != model.StatusHold || got.Subject != stub.Subject {
		t.Fatalf("stub changed: %+v", got)
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.get("/login")
	for i := range 10 {
		if status, _, _ := c.post("/login", url.Values{"email": {apitest.AdminEmail}, "password": {fmt.Sprint("guess ", i)}}); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d, want 401", i, status)
		}
	}
	status, _, body := c.post("/login", url.Values{"email": {apitest.AdminEmail}, "password": {password}})
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Too many wrong passwords") {
		t.Fatalf("after 10 wrong passwords, the right one: status %d, want 429", status)
	}
	b.env.CreateAgent(t, "Ada", "ada@example.com")
	if err := b.env.Instance.Desk.SetPassword(context.Background(), "ada@example.com", password); err != nil {
		t.Fatal(err)
	}
	b.client(t).login("ada@example.com") // another account from the same address is not blocked
}

func TestEscalatedTicketPointsToStub(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	title, typ := "Original ticket", "text"
	f, err := b.env.Instance.Desk.SaveField(ctx, b.admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	subject := "Stub"
	res, err := b.env.Instance.Desk.CreateTicket(ctx, b.admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "stub"},
		CustomFields: []model.FieldValue{{ID: f.ID, Value: "999"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.AddTombstone(ctx, 999, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, page := c.get("/tickets/999")
	if status != http.StatusNotFound || !strings.Contains(page, fmt.Sprintf(`<a href="/tickets/%d">`, res.Ticket.ID)) {
		t.Fatalf("purged escalated ticket: status %d, no link to stub %d", status, res.Ticket.ID)
	}
	if status, _ := c.get("/tickets/998"); status != http.StatusNotFound {
		t.Fatalf("unknown ticket: status %d", status)
	}
}

// TestReservedTagsRefusedInTheUI: the escalation's tags can't be typed into a
// ticket's tags by hand, so an agent can't make a ticket look like a stub.
func TestReservedTagsRefusedInTheUI(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Printer", "It jams", "jo@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	c.get(path)
	status, _, body := c.post(path, url.Values{"tags": {"printer has_secure_id escalated_to_secure"}, "status": {"open"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "reserved for the escalation") {
		t.Fatalf("reserved tags by hand: status %d, want 422 with the reason; body %.300s", status, body)
	}
	got, err := b.env.Instance.Desk.Ticket(context.Background(), b.admin, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tags) != 0 {
		t.Fatalf("tags after the refused change: %v", got.Tags)
	}
}

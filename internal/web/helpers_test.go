package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// password is every test user's web password.
const password = "correct horse battery"

// bundle is a running instance with an admin who has a password and a group.
type bundle struct {
	env     *apitest.Env
	groupID int64
	admin   model.User
}

// setup starts an instance on backend b with the admin in group "Support".
func setup(t testing.TB, b apitest.Backend, opts ...apitest.Option) *bundle {
	t.Helper()
	env := apitest.New(t, b, opts...)
	ctx := context.Background()
	d := env.Instance.Desk
	admin, err := d.User(ctx, model.User{Role: model.RoleAdmin}, env.AdminID)
	if err != nil {
		t.Fatal(err)
	}
	name := "Support"
	g, err := d.SaveGroup(ctx, admin, 0, desk.GroupInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddMembership(ctx, admin, model.GroupMembership{UserID: admin.ID, GroupID: g.ID}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(ctx, apitest.AdminEmail, password); err != nil {
		t.Fatal(err)
	}
	admin.DefaultGroupID = g.ID
	return &bundle{env: env, groupID: g.ID, admin: admin}
}

// ticket creates a ticket as the admin with the given requester email.
func (b *bundle) ticket(t testing.TB, subject, body, requester string, assign bool) model.Ticket {
	t.Helper()
	in := desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
		Requester: &desk.RequesterInput{Email: requester}}
	if assign {
		in.AssigneeID, in.GroupID = &b.admin.ID, &b.groupID
	}
	res, err := b.env.Instance.Desk.CreateTicket(context.Background(), b.admin, in, "")
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

// client is a browser-like HTTP client with a cookie jar that does not follow
// redirects, so tests see each 303.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string
}

func (b *bundle) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: b.env.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and returns the status, Location header and body; it
// remembers the last CSRF token seen in a page.
func (c *client) do(method, path string, form url.Values) (int, string, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	status, _, body := c.do("GET", path, nil)
	return status, body
}

// post sends form with the last CSRF token seen, unless the form sets its own.
func (c *client) post(path string, form url.Values) (int, string, string) {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	return c.do("POST", path, form)
}

// login logs c in as email and fails the test otherwise.
func (c *client) login(email string) {
	c.t.Helper()
	c.get("/login")
	status, loc, body := c.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/views/mine"}})
	if status != http.StatusSeeOther || loc != "/views/mine" {
		c.t.Fatalf("login %s: status %d location %q\n%s", email, status, loc, body)
	}
	c.get("/views/mine") // picks up the session's CSRF token
}

// storePageAll reads every row of a list.
var storePageAll = store.Page{Limit: 100000}

// stub makes an escalation stub the only way one can be made: an original put
// in escalation, then the peer instance's create naming it. subject is what the
// secure side would send; the stub shows it only with --stub-subject original.
func (b *bundle) stub(t testing.TB, secureID, requester string, fields ...model.FieldValue) model.Ticket {
	t.Helper()
	ctx := context.Background()
	d := b.env.Instance.Desk
	orig := b.ticket(t, "Original", "Original body", requester, false)
	err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
		before := orig.Clone()
		orig.Tags = append(orig.Tags, peer.TagEscalationInFlight) // what the forward trigger sets
		return tx.UpdateTicket(ctx, &before, &orig)
	})
	if err != nil {
		t.Fatal(err)
	}
	title, typ := peer.FieldOriginalTicket, "text"
	f, err := d.SaveField(ctx, b.admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	secure, _, err := d.IssuePeerToken(ctx, b.admin, "secure")
	if err != nil {
		t.Fatal(err)
	}
	fields = append(fields, model.FieldValue{ID: f.ID, Value: fmt.Sprint(orig.ID)})
	res, err := d.CreateTicket(ctx, secure, desk.TicketInput{ExternalID: &secureID, CustomFields: fields,
		Comment: &desk.CommentInput{Body: "stub"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

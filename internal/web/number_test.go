package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
)

// TestSecureNumberSearchNeverOpensTheWrongTicket: on the secure instance a
// caller quotes the standard number they were given. When that number is also
// another secure ticket's id, search lists both, marked, instead of jumping to
// the wrong employee's ticket; when it can mean one ticket only, it jumps there.
func TestSecureNumberSearchNeverOpensTheWrongTicket(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.Confidential = true }))
	ctx := context.Background()
	d := b.env.Instance.Desk
	other := b.ticket(t, "Other employee's sick note", "private", "other@example.com", false)
	title, typ := peer.FieldStandardTicket, "text"
	f, err := d.SaveField(ctx, b.admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	std, _, err := d.IssuePeerToken(ctx, b.admin, "standard")
	if err != nil {
		t.Fatal(err)
	}
	escalate := func(origin int64) model.Ticket {
		subject := "Payslip question"
		res, err := d.CreateTicket(ctx, std, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "from standard"},
			CustomFields: []model.FieldValue{{ID: f.ID, Value: fmt.Sprint(origin)}}}, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Ticket
	}
	clash := escalate(other.ID) // standard ticket N escalated here; secure ticket N is someone else's
	only := escalate(4242)

	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, _, page := c.do("GET", fmt.Sprintf("/search?q=%d", other.ID), nil)
	if status != http.StatusOK {
		t.Fatalf("ambiguous number: status %d, want the list of both", status)
	}
	for _, want := range []string{fmt.Sprintf("/tickets/%d", clash.ID), fmt.Sprintf("/tickets/%d", other.ID), "Check the requester"} {
		if !strings.Contains(page, want) {
			t.Fatalf("ambiguous number: page lacks %q", want)
		}
	}
	status, loc, _ := c.do("GET", "/search?q=%234242", nil)
	if status != http.StatusSeeOther || loc != fmt.Sprintf("/tickets/%d", only.ID) {
		t.Fatalf("a standard number escalated here: status %d location %q, want the escalated ticket %d", status, loc, only.ID)
	}
}

// TestTwoInstancesOnOneHostKeepBothSessions: browsers keep cookies per host name,
// not per port; with one cookie name, logging into the secure instance logged
// the agent out of the standard one on the same host.
func TestTwoInstancesOnOneHostKeepBothSessions(t *testing.T) {
	t.Parallel()
	std, sec := setup(t, apitest.SQLite), setup(t, apitest.SQLite)
	a := std.client(t)
	a.login(apitest.AdminEmail)
	b := sec.client(t)
	b.http.Jar = a.http.Jar // one browser
	b.login(apitest.AdminEmail)
	for _, c := range []*client{a, b} {
		if status, _ := c.get("/views/mine"); status != http.StatusOK {
			t.Fatalf("%s after logging into both: status %d, want 200 (still logged in)", c.base, status)
		}
	}
}

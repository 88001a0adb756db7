package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserSLAPausedBadge: a pending ticket's requester wait and agent work
// targets stand still, and the ticket page and its list row say so with the
// time left; on hold, requester wait runs again while agent work stays paused.
func TestBrowserSLAPausedBadge(t *testing.T) {
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	_, err := d.SaveSLAPolicy(ctx, b.admin, model.SLAPolicy{Title: "High", Metrics: []model.SLAMetric{
		{Priority: "high", Metric: model.MetricRequesterWait, Target: 120},
		{Priority: "high", Metric: model.MetricAgentWork, Target: 45}}})
	if err != nil {
		t.Fatal(err)
	}
	subject, high := "Paused printer", "high"
	res, err := d.CreateTicket(ctx, b.admin, desk.TicketInput{Subject: &subject, Priority: &high,
		Comment: &desk.CommentInput{Body: "help"}, Requester: &desk.RequesterInput{Email: "ann@example.com"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	id := res.Ticket.ID
	status := func(st string) {
		if _, err := d.UpdateTicket(ctx, b.admin, id, desk.TicketInput{Status: &st}); err != nil {
			t.Fatal(err)
		}
	}
	status("pending")

	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	badge := func(metric string) string {
		return br.text(fmt.Sprintf(`span.badge.sla[data-sla=%q]`, metric))
	}
	about := func(got string, want ...string) bool {
		for _, w := range want {
			if got == w {
				return true
			}
		}
		return false
	}
	for _, width := range []int64{1280, 390} {
		br.viewport(width, 900)
		br.open(fmt.Sprintf("/tickets/%d", id))
		if got := badge(model.MetricRequesterWait); !about(got, "Requester wait: 2h 0m left, paused", "Requester wait: 1h 59m left, paused") {
			t.Fatalf("at %d px the requester wait badge reads %q", width, got)
		}
		if got := badge(model.MetricAgentWork); !about(got, "Agent work: 45m left, paused", "Agent work: 44m left, paused") {
			t.Fatalf("at %d px the agent work badge reads %q", width, got)
		}
		if title := eval[string](br, `document.querySelector("span.badge.sla").title`); title != "paused" {
			t.Fatalf("at %d px the badge's title is %q", width, title)
		}
		br.open("/search?q=" + url.QueryEscape("subject:Paused"))
		if got := br.text(`td.subject span.badge.sla`); !strings.HasSuffix(got, "left, paused") {
			t.Fatalf("at %d px the list row's badge reads %q", width, got)
		}
	}
	status("hold")
	br.open(fmt.Sprintf("/tickets/%d", id))
	if got := badge(model.MetricRequesterWait); !about(got, "Requester wait: 2h 0m left", "Requester wait: 1h 59m left") {
		t.Fatalf("on hold the requester wait badge reads %q: it should run", got)
	}
	if got := badge(model.MetricAgentWork); !strings.HasSuffix(got, "left, paused") {
		t.Fatalf("on hold the agent work badge reads %q: it should stay paused", got)
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserSLABadge: the ticket page shows each open SLA target with the
// time left, and a breached one as breached, readable at 1280 and 390 px; a
// list row shows the ticket's next target.
func TestBrowserSLABadge(t *testing.T) {
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	_, err := d.SaveSLAPolicy(ctx, b.admin, model.SLAPolicy{Title: "High", Metrics: []model.SLAMetric{
		{Priority: "high", Metric: model.MetricFirstReply, Target: 90}}})
	if err != nil {
		t.Fatal(err)
	}
	high := "high"
	mk := func(subject string) int64 {
		in := desk.TicketInput{Subject: &subject, Priority: &high, Comment: &desk.CommentInput{Body: "help"},
			Requester: &desk.RequesterInput{Email: "ann@example.com"}}
		res, err := d.CreateTicket(ctx, b.admin, in, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Ticket.ID
	}
	fresh, late := mk("Fresh"), mk("Late")
	// Arrange: the second ticket's target passed two hours ago.
	if _, err := b.env.Instance.DB.WriteDB().ExecContext(ctx, `UPDATE ticket_sla SET breach_at = $1 WHERE ticket_id = $2`,
		time.Now().Add(-2*time.Hour).UnixMicro(), late); err != nil {
		t.Fatal(err)
	}

	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	for _, width := range []int64{1280, 390} {
		br.viewport(width, 900)
		br.open(fmt.Sprintf("/tickets/%d", fresh))
		got := br.text(`span.badge.sla[data-sla="first_reply_time"]`)
		if got != "First reply: 1h 30m left" && got != "First reply: 1h 29m left" {
			t.Fatalf("at %d px the badge reads %q, want about 1h 30m left", width, got)
		}
		if w := eval[float64](br, `document.querySelector("span.badge.sla").getBoundingClientRect().right`); w > float64(width) {
			t.Fatalf("at %d px the badge ends at %.0f px, off the screen", width, w)
		}
		br.open(fmt.Sprintf("/tickets/%d", late))
		got = br.text(`span.badge.sla-breached`)
		if !strings.HasPrefix(got, "First reply: breached 2h") {
			t.Fatalf("at %d px the breached badge reads %q", width, got)
		}
		// Lists show each ticket's next target on its row.
		br.open("/search?q=" + url.QueryEscape("subject:Late"))
		if got := br.text(`td.subject span.badge.sla-breached`); !strings.HasPrefix(got, "First reply: breached 2h") {
			t.Fatalf("at %d px the list row's badge reads %q", width, got)
		}
	}
}

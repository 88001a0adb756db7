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
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// pseudoGroup makes the "Payroll (secure)" group and the forward trigger the
// recipe installs, minus its webhooks: choosing the group tags the ticket
// escalation_in_progress, as in production before the chain runs.
func (b *bundle) pseudoGroup(t testing.TB) model.Group {
	t.Helper()
	ctx := context.Background()
	d := b.env.Instance.Desk
	name := "Payroll (secure)"
	g, err := d.SaveGroup(ctx, b.admin, 0, desk.GroupInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	tr := model.Trigger{Title: peer.TriggerForward, Active: true,
		Conditions: model.Conditions{
			All: []model.Condition{{Field: "current_tags", Operator: "not_includes", Value: peer.TagEscalatedToSecure + " " + peer.TagEscalationInFlight}},
			Any: []model.Condition{{Field: "group_id", Operator: "is", Value: fmt.Sprint(g.ID)}}},
		Actions: []model.Action{{Field: "current_tags", Value: []string{peer.TagEscalationInFlight}}}}
	if _, err := d.SaveTrigger(ctx, b.admin, tr); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestEscalatingHidesContentAndSaysWhereItWent: choosing a pseudo group is
// marked and asks for confirmation first; once confirmed, the agent lands on a
// notice that the ticket is moving to secure, with none of its content, and
// that points to the old number's search for the stub.
func TestEscalatingHidesContentAndSaysWhereItWent(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	g := b.pseudoGroup(t)
	tk := b.ticket(t, "Salary question", "My salary is 4321.00 EUR", "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)

	_, page := c.get(path)
	if !strings.Contains(page, `data-secure="1">Payroll (secure) → secure: content leaves this desk`) {
		t.Fatalf("the pseudo group is not marked in the group select:\n%s", page)
	}
	// Without the confirm box: nothing is sent, the agent is asked.
	status, _, page := c.post(path, url.Values{"group_id": {fmt.Sprint(g.ID)}, "body": {"moving to payroll"}, "visibility": {"internal"}})
	if status != http.StatusConflict || !strings.Contains(page, `name="confirm_escalation"`) || !strings.Contains(page, "moving to payroll") {
		t.Fatalf("unconfirmed move to a pseudo group: status %d, want 409 with a confirm box and the draft kept\n%s", status, page)
	}
	if got, _ := b.env.Instance.Desk.Ticket(context.Background(), b.admin, tk.ID); got.GroupID == g.ID {
		t.Fatal("an unconfirmed move to a pseudo group was saved")
	}

	status, loc, _ := c.post(path, url.Values{"group_id": {fmt.Sprint(g.ID)}, "confirm_escalation": {"1"}})
	if status != http.StatusSeeOther || loc != path+"?flash=escalating" {
		t.Fatalf("confirmed move: status %d location %q, want the escalation notice", status, loc)
	}
	status, page = c.get(loc)
	if status != http.StatusOK {
		t.Fatalf("escalating ticket page: status %d", status)
	}
	for _, bad := range []string{"4321.00", "Ticket updated.", `id="ticket-form"`} {
		if strings.Contains(page, bad) {
			t.Fatalf("the page of a ticket in escalation shows %q", bad)
		}
	}
	for _, want := range []string{"being moved to the secure instance", fmt.Sprintf("search for #%d", tk.ID), fmt.Sprintf(`href="/search?q=%%23%d"`, tk.ID)} {
		if !strings.Contains(page, want) {
			t.Fatalf("escalation notice lacks %q:\n%s", want, page)
		}
	}
	// A reply typed in another tab meanwhile is refused but not thrown away.
	status, _, page = c.post(path, url.Values{"body": {"late reply about 4321"}, "visibility": {"public"}})
	if status != http.StatusConflict || !strings.Contains(page, "late reply about 4321") || strings.Contains(page, "4321.00") {
		t.Fatalf("late reply on an escalating ticket: status %d, want 409 with the draft and no content\n%s", status, page)
	}
}

// TestNewTicketInPseudoGroupAsksFirst: a new ticket created straight into a
// pseudo group escalates at once, so the new-ticket form marks those groups,
// asks for confirmation, and then lands on the escalation notice.
func TestNewTicketInPseudoGroupAsksFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	g := b.pseudoGroup(t)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get("/tickets/new")
	if !strings.Contains(page, `data-secure="1">Payroll (secure) → secure: content leaves this desk`) {
		t.Fatal("the new-ticket form doesn't mark the pseudo group")
	}
	form := url.Values{"requester_email": {"bob@example.com"}, "subject": {"Bonus"}, "body": {"bonus of 999.00"},
		"visibility": {"public"}, "group_id": {fmt.Sprint(g.ID)}, "idem": {"new-form-1"}}
	status, _, page := c.post("/tickets", form)
	if status != http.StatusConflict || !strings.Contains(page, `name="confirm_escalation"`) || !strings.Contains(page, "bonus of 999.00") {
		t.Fatalf("unconfirmed: status %d, want 409 with a confirm box and the text kept\n%s", status, page)
	}
	if n, _ := b.env.Instance.DB.Read().CountTickets(context.Background(), store.TicketFilter{}); n != 0 {
		t.Fatalf("an unconfirmed ticket was created (%d tickets)", n)
	}
	form.Set("confirm_escalation", "1")
	status, loc, _ := c.post("/tickets", form)
	if status != http.StatusSeeOther || !strings.HasSuffix(loc, "?flash=escalating") {
		t.Fatalf("confirmed: status %d location %q, want the escalation notice", status, loc)
	}
}

// TestReplyToPurgedTicketKeepsText: a reply typed while the ticket was
// escalated and purged lands on the tombstone with the text, not on a bare 404.
func TestReplyToPurgedTicketKeepsText(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	if err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.AddTombstone(ctx, 999, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, _, page := c.post("/tickets/999", url.Values{"body": {"typed for a long time"}, "visibility": {"public"}})
	if status != http.StatusNotFound || !strings.Contains(page, "was escalated to the secure instance") || !strings.Contains(page, "typed for a long time</textarea>") {
		t.Fatalf("reply to a purged ticket: status %d, want the tombstone with the text\n%s", status, page)
	}
}

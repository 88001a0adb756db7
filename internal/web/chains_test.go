package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// TestFailedEscalationBanner: a ticket whose escalation chain failed for good
// (secure answered 413) shows it on its page with a Retry button; the retry puts
// the failed step back on the queue and the banner goes (issue 16, item 7).
func TestFailedEscalationBanner(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	in := b.env.Instance
	hook, err := in.Desk.SaveWebhook(ctx, b.admin, model.Webhook{Name: "Escalation: create secure ticket",
		Endpoint: "https://secure.example/api/v2/tickets.json", HTTPMethod: "POST"})
	if err != nil {
		t.Fatal(err)
	}
	tk := b.ticket(t, "Payroll", "question", "p@example.com", false)
	chain := ulid.Make().String()
	err = in.DB.WriteTx(ctx, func(tx *store.Tx) error {
		after := tk
		after.Tags = append(append([]string(nil), tk.Tags...), peer.TagEscalationInFlight)
		if err := tx.UpdateTicket(ctx, &tk, &after); err != nil {
			return err
		}
		for step, state := range []string{model.DeliveryFailed, model.DeliveryFailed} {
			now := time.Now()
			d := &model.Delivery{ID: ulid.Make().String(), ChainID: chain, Step: step, TicketID: tk.ID, Kind: "webhook",
				EndpointRef: hook.ID, Method: "POST", URL: hook.Endpoint, Body: `{"ticket": {}}`, State: state,
				CreatedAt: now, UpdatedAt: now, LastError: "an earlier step of this chain failed"}
			if step == 0 {
				d.Attempts, d.StatusCode = 1, 413
				d.LastError = "webhook: POST https://secure.example answered 413"
			}
			if err := tx.AddDelivery(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	_, page := c.get(path)
	if !strings.Contains(page, "Escalation to secure failed") || !strings.Contains(page, "answered 413") ||
		!strings.Contains(page, `action="`+path+`/escalation/retry"`) {
		t.Fatalf("no failure banner with a retry on the ticket page:\n%s", page)
	}
	status, loc, _ := c.post(path+"/escalation/retry", url.Values{})
	if status != http.StatusSeeOther || !strings.HasSuffix(loc, "flash=chain_retried") {
		t.Fatalf("retry: status %d location %q", status, loc)
	}
	// The queue works the step at once (and secure.example fails it again), so
	// check the restart in the log: a new job, and a second attempt or none yet.
	dels, err := in.DB.Read().Deliveries(ctx, hook.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dels {
		if d.Step == 0 && (d.JobID == 0 || (d.State == model.DeliveryFailed && d.Attempts < 2)) {
			t.Fatalf("the failed step was not restarted: %+v", d)
		}
	}
	if status, _, _ := c.post(path+"/escalation/retry", url.Values{"csrf": {"forged"}}); status != http.StatusForbidden {
		t.Fatalf("a retry without the CSRF token: status %d, want 403", status)
	}
}

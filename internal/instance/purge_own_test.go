package instance_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// TestPurgeRecordsItsOwnDelivery: the escalation recipe's last step is a webhook
// of standard that purges the ticket by calling standard itself. A node killed
// between the purge's commit and the worker's record of that delivery left it
// failed after the restart ("not sent: the ticket was deleted permanently"),
// although it had done its job (TestKill saw it). Here the instance's queue never
// runs, so no worker records anything: each delivery's state is what the purge
// left, as after such a kill. The purge's own delivery, sent as the worker sends
// it (webhook.Sender: signed, with its id as Idempotency-Key), must be delivered.
// The rest plays an admin who knows delivery ids and signing secrets and tries to
// have the purge mark other deliveries delivered: each stays as it was, or is
// settled as not sent like any delivery of a purged ticket.
func TestPurgeRecordsItsOwnDelivery(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		d := newDeployment(t, b)
		n := d.open(false)
		ctx := context.Background()
		purgeHook := n.deleteHook(n.URL + "/api/v2/deleted_tickets/{{ticket.id}}.json")
		notifyHook := n.webhook("http://127.0.0.1:9/hook")
		n.triggerOnCreate("purge on create", purgeHook, `{}`)
		n.triggerOnCreate("notify on create", notifyHook, `{"id": "{{ticket.id}}"}`)
		tickets := make([]int64, 6)
		for i := range tickets {
			tickets[i] = n.ticket("purge own delivery " + itoa(int64(i)))
		}
		purges, notes := n.deliveriesByTicket(purgeHook), n.deliveriesByTicket(notifyHook)
		for _, id := range tickets {
			if purges[id].State != model.DeliveryPending || notes[id].State != model.DeliveryPending {
				t.Fatalf("ticket %d: deliveries %+v and %+v, want both pending (nobody works the queue)", id, purges[id], notes[id])
			}
			n.must(http.StatusNoContent, "DELETE", "/api/v2/tickets/"+itoa(id), nil, nil)
		}
		policy, err := webhook.NewPolicy(webhook.PolicyConfig{Allow: []string{"127.0.0.0/8"}})
		if err != nil {
			t.Fatal(err)
		}
		sender := webhook.NewSender(policy)
		secret := n.signingSecret(purgeHook)
		// request is what the worker sends for delivery id, made a purge of ticket.
		request := func(id string, ticket int64, secret string) webhook.Request {
			dl, err := n.In.Desk.DB().Read().Delivery(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			dl.Method, dl.URL = http.MethodDelete, n.URL+"/api/v2/deleted_tickets/"+itoa(ticket)+".json"
			return webhook.FromWebhook(&model.Webhook{ID: dl.EndpointRef, SigningSecret: secret,
				AuthType: "bearer_token", AuthData: map[string]string{"token": n.token}}, &dl)
		}
		send := func(r webhook.Request) {
			if out := sender.Send(ctx, r); out.StatusCode != http.StatusOK {
				t.Fatalf("purge %s: %d %v", r.URL, out.StatusCode, out.Err)
			}
		}

		// 0: the recipe's own request.
		send(request(purges[tickets[0]].ID, tickets[0], secret))
		// 1: the delivery's id as key, without its signature.
		code, _ := n.do("DELETE", "/api/v2/deleted_tickets/"+itoa(tickets[1]), nil, http.Header{"Idempotency-Key": {purges[tickets[1]].ID}}, nil)
		if code != http.StatusOK {
			t.Fatalf("purge of ticket %d: %d", tickets[1], code)
		}
		// 2: signed with a wrong secret.
		send(request(purges[tickets[2]].ID, tickets[2], "not the signing secret"))
		// 3: the ticket's notification, correctly signed, names another request.
		send(request(notes[tickets[3]].ID, tickets[3], n.signingSecret(notifyHook)))
		// 4: another ticket's (5's) purge delivery, correctly signed.
		send(request(purges[tickets[5]].ID, tickets[4], secret))

		purges, notes = n.deliveriesByTicket(purgeHook), n.deliveriesByTicket(notifyHook)
		notSent := invocation{State: model.DeliveryFailed, Error: strPtr(store.NotSentPurged)}
		want := map[string]struct{ got, want invocation }{
			"own delivery":                      {purges[tickets[0]], invocation{State: model.DeliveryDelivered, StatusCode: 200, Attempts: 1}},
			"own delivery's other notification": {notes[tickets[0]], notSent},
			"key without signature":             {purges[tickets[1]], notSent},
			"wrong signature":                   {purges[tickets[2]], notSent},
			"notification's key and signature":  {notes[tickets[3]], notSent},
			"purge beside it":                   {purges[tickets[3]], notSent},
			"another ticket's key, purged one":  {purges[tickets[4]], notSent},
			"another ticket's delivery":         {purges[tickets[5]], invocation{State: model.DeliveryPending}},
		}
		for name, c := range want {
			got := invocation{State: c.got.State, StatusCode: c.got.StatusCode, Attempts: c.got.Attempts, Error: c.got.Error}
			if c.want.State != model.DeliveryDelivered {
				got.StatusCode, got.Attempts = 0, 0
			}
			if got.State != c.want.State || got.StatusCode != c.want.StatusCode || got.Attempts != c.want.Attempts || str(got.Error) != str(c.want.Error) {
				t.Errorf("%s: state %s, status %d, attempts %d, error %q; want %s, %d, %d, %q", name,
					got.State, got.StatusCode, got.Attempts, str(got.Error), c.want.State, c.want.StatusCode, c.want.Attempts, str(c.want.Error))
			}
		}
	})
}

// deleteHook creates a DELETE webhook to endpoint, authenticated with the admin's
// token, and returns its id.
func (n *node) deleteHook(endpoint string) string {
	n.t.Helper()
	var out struct{ Webhook struct{ ID string } }
	n.must(http.StatusCreated, "POST", "/api/v2/webhooks", map[string]any{"webhook": map[string]any{
		"name": "purge", "endpoint": endpoint, "http_method": "DELETE", "request_format": "json", "status": "active",
		"subscriptions":  []string{"conditional_ticket_events"},
		"authentication": map[string]any{"type": "bearer_token", "data": map[string]string{"token": n.token}, "add_position": "header"}}}, &out)
	return out.Webhook.ID
}

// deliveriesByTicket returns a webhook's deliveries by ticket (the last one of each).
func (n *node) deliveriesByTicket(webhookID string) map[int64]invocation {
	out := map[int64]invocation{}
	for _, inv := range n.invocations(webhookID) {
		out[inv.TicketID] = inv
	}
	return out
}

func strPtr(s string) *string { return &s }

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package instance_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
)

// These tests drive the trigger, webhook and target API with go-zendesk, an
// independent Zendesk client, pointed at a running instance.

func zendeskClient(t *testing.T, n *node) *zendesk.Client {
	t.Helper()
	z, err := zendesk.NewClient(&http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := z.SetEndpointURL(n.URL + "/api/v2"); err != nil {
		t.Fatal(err)
	}
	z.SetCredential(zendesk.NewAPITokenCredential(n.admin.Email, n.token))
	return z
}

// status returns the HTTP status of a go-zendesk error (0 when it has none).
func status(err error) int {
	var ze zendesk.Error
	if errors.As(err, &ze) {
		return ze.Status()
	}
	return 0
}

func errBody(err error) string {
	var ze zendesk.Error
	if errors.As(err, &ze) {
		return ze.Error()
	}
	return ""
}

func TestWebhookAPIWithZendeskClient(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	z, ctx := zendeskClient(t, n), context.Background()

	hook, err := z.CreateWebhook(ctx, &zendesk.Webhook{Name: "secure", Endpoint: "https://secure.example.com/api/v2/tickets.json",
		HTTPMethod: "POST", RequestFormat: "json", Status: "active", Subscriptions: []string{"conditional_ticket_events"},
		Authentication: &zendesk.WebhookAuthentication{Type: "bearer_token", Data: map[string]string{"token": "s3cret"}, AddPosition: "header"}})
	if err != nil {
		t.Fatalf("create webhook: %v", err)
	}
	if len(hook.ID) != 26 { // a ULID, as Zendesk's webhook ids
		t.Errorf("webhook id %q is not a ULID", hook.ID)
	}
	got, err := z.GetWebhook(ctx, hook.ID)
	if err != nil {
		t.Fatalf("get webhook: %v", err)
	}
	if got.Name != "secure" || got.HTTPMethod != "POST" || got.Authentication == nil || got.Authentication.Type != "bearer_token" {
		t.Errorf("webhook %+v", got)
	}
	if strings.Contains(errBody(err)+toJSON(t, got), "s3cret") {
		t.Errorf("the bearer token is shown back: %s", toJSON(t, got))
	}

	got.Name, got.Status = "secure (paused)", "inactive"
	if err := z.UpdateWebhook(ctx, hook.ID, got); err != nil {
		t.Fatalf("update webhook: %v", err)
	}
	if got, err = z.GetWebhook(ctx, hook.ID); err != nil || got.Name != "secure (paused)" || got.Status != "inactive" {
		t.Errorf("after update: %+v, %v", got, err)
	}

	secret, err := z.GetWebhookSigningSecret(ctx, hook.ID)
	if err != nil || secret.Algorithm != "sha256" || len(secret.Secret) < 32 {
		t.Errorf("signing secret %+v, %v", secret, err)
	}

	if _, err := z.CreateWebhook(ctx, &zendesk.Webhook{Name: "bad", Endpoint: "ftp://x", HTTPMethod: "POST", RequestFormat: "json", Status: "active"}); status(err) != 422 {
		t.Errorf("webhook with an ftp endpoint: %v, want 422", err)
	}

	if err := z.DeleteWebhook(ctx, hook.ID); err != nil {
		t.Fatalf("delete webhook: %v", err)
	}
	if _, err := z.GetWebhook(ctx, hook.ID); status(err) != 404 {
		t.Errorf("deleted webhook: %v, want 404", err)
	}
}

func TestTriggerAPIWithZendeskClient(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	hook, err := z.CreateWebhook(ctx, &zendesk.Webhook{Name: "h", Endpoint: "https://example.com/{{ticket.id}}",
		HTTPMethod: "POST", RequestFormat: "json", Status: "active"})
	if err != nil {
		t.Fatal(err)
	}

	var tr zendesk.Trigger
	tr.Title = "Notify on urgent"
	tr.Active = true
	tr.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Change"}, {Field: "priority", Operator: "is", Value: "urgent"}}
	tr.Conditions.Any = []zendesk.TriggerCondition{}
	tr.Actions = []zendesk.TriggerAction{
		{Field: "status", Value: "open"},
		{Field: "notification_webhook", Value: []string{hook.ID, `{"id": "{{ticket.id}}", "comment": "{{ticket.latest_comment_formatted}}"}`}},
	}
	created, err := z.CreateTrigger(ctx, tr)
	if err != nil {
		t.Fatalf("create trigger: %v", err)
	}
	if created.ID == 0 || created.Title != tr.Title || !created.Active || created.Position == 0 || len(created.Conditions.All) != 2 {
		t.Errorf("created %+v", created)
	}
	if a := created.Actions[1]; a.Field != "notification_webhook" || toJSON(t, a.Value) != toJSON(t, tr.Actions[1].Value) {
		t.Errorf("webhook action came back as %s", toJSON(t, a))
	}

	second := tr
	second.Title = "Second"
	if _, err := z.CreateTrigger(ctx, second); err != nil {
		t.Fatal(err)
	}
	list, _, err := z.GetTriggers(ctx, &zendesk.TriggerListOptions{})
	if err != nil || len(list) != 2 || list[0].ID != created.ID || list[1].Position <= list[0].Position {
		t.Errorf("list %+v, %v; want both, by position", list, err)
	}
	active, _, err := z.GetTriggers(ctx, &zendesk.TriggerListOptions{Active: true})
	if err != nil || len(active) != 2 {
		t.Errorf("active list %+v, %v", active, err)
	}

	created.Title = "Notify on urgent or high"
	created.Conditions.Any = []zendesk.TriggerCondition{{Field: "priority", Operator: "is", Value: "high"}}
	updated, err := z.UpdateTrigger(ctx, created.ID, created)
	if err != nil || updated.Title != created.Title || len(updated.Conditions.Any) != 1 {
		t.Errorf("update: %+v, %v", updated, err)
	}
	if got, err := z.GetTrigger(ctx, created.ID); err != nil || got.Title != created.Title {
		t.Errorf("get after update: %+v, %v", got, err)
	}

	// go-zendesk has no call for these two, so they go over plain HTTP.
	secondID := list[1].ID
	n.must(http.StatusOK, "PUT", "/api/v2/triggers/reorder.json", map[string]any{"trigger_ids": []int64{secondID, created.ID}}, nil)
	if list, _, _ := z.GetTriggers(ctx, &zendesk.TriggerListOptions{}); len(list) != 2 || list[0].ID != secondID {
		t.Errorf("after reorder: %+v, want %d first", list, secondID)
	}
	n.must(http.StatusOK, "PUT", "/api/v2/triggers/"+itoa(secondID)+".json", map[string]any{"trigger": map[string]any{"active": false}}, nil)
	if active, _, _ := z.GetTriggers(ctx, &zendesk.TriggerListOptions{Active: true}); len(active) != 1 || active[0].ID != created.ID {
		t.Errorf("active after deactivating %d: %+v", secondID, active)
	}
	var activePath struct{ Triggers []struct{ ID int64 } }
	n.must(http.StatusOK, "GET", "/api/v2/triggers/active.json", nil, &activePath)
	if len(activePath.Triggers) != 1 || activePath.Triggers[0].ID != created.ID {
		t.Errorf("/triggers/active: %+v", activePath)
	}

	if err := z.DeleteTrigger(ctx, created.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := z.GetTrigger(ctx, created.ID); status(err) != 404 {
		t.Errorf("deleted trigger: %v, want 404", err)
	}
	if list, _, _ := z.GetTriggers(ctx, &zendesk.TriggerListOptions{}); len(list) != 1 {
		t.Errorf("%d triggers after delete, want 1", len(list))
	}
}

// TestTriggerBodyValidation: a body that is not valid JSON, or not valid Liquid,
// is refused when the trigger is saved, with a 422 naming the action.
func TestTriggerBodyValidation(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	hook, err := z.CreateWebhook(ctx, &zendesk.Webhook{Name: "h", Endpoint: "https://example.com/x",
		HTTPMethod: "POST", RequestFormat: "json", Status: "active"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"unquoted placeholder then a missing brace", `{"ticket": {"comment": {"body": {{ticket.latest_comment_formatted}}}}`, "JSON"},
		{"trailing comma", `{"status": "open",}`, "JSON"},
		{"unclosed Liquid tag", `{"a": "{% if ticket.status == 'open' %}x"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tr zendesk.Trigger
			tr.Title = "broken"
			tr.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Create"}}
			tr.Actions = []zendesk.TriggerAction{{Field: "status", Value: "open"},
				{Field: "notification_webhook", Value: []string{hook.ID, tc.body}}}
			_, err := z.CreateTrigger(ctx, tr)
			if status(err) != 422 {
				t.Fatalf("got %v, want a 422", err)
			}
			msg := errBody(err)
			if !strings.Contains(msg, "actions[1]") || !strings.Contains(msg, "notification_webhook") || !strings.Contains(msg, tc.want) {
				t.Errorf("422 body %s should name actions[1] (notification_webhook) and say why (%q)", msg, tc.want)
			}
		})
	}
	if list, _, _ := z.GetTriggers(ctx, &zendesk.TriggerListOptions{}); len(list) != 0 {
		t.Errorf("%d triggers saved, want none", len(list))
	}

	var tr zendesk.Trigger
	tr.Title = "unknown webhook"
	tr.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Create"}}
	tr.Actions = []zendesk.TriggerAction{{Field: "notification_webhook", Value: []string{"01HNOSUCHWEBHOOK000000000", `{}`}}}
	if _, err := z.CreateTrigger(ctx, tr); status(err) != 422 || !strings.Contains(errBody(err), "actions[0]") {
		t.Errorf("trigger naming a missing webhook: %v, want a 422 naming actions[0]", err)
	}
}

// TestTriggerChainViaTags: A adds a tag, B (placed before A) is conditioned on that
// tag; one update fires both, and the audit names both triggers' changes.
func TestTriggerChainViaTags(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	z, ctx := zendeskClient(t, n), context.Background()

	var b zendesk.Trigger
	b.Title = "B: tagged -> high"
	b.Conditions.All = []zendesk.TriggerCondition{{Field: "current_tags", Operator: "includes", Value: "from_a"}}
	b.Actions = []zendesk.TriggerAction{{Field: "priority", Value: "high"}}
	tb, err := z.CreateTrigger(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	var a zendesk.Trigger
	a.Title = "A: escalate -> tag"
	a.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Change"},
		{Field: "current_tags", Operator: "includes", Value: "escalate"}}
	a.Actions = []zendesk.TriggerAction{{Field: "current_tags", Value: "from_a"}}
	ta, err := z.CreateTrigger(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Position >= ta.Position {
		t.Fatalf("positions B %d, A %d: want B first so that the loop must restart", tb.Position, ta.Position)
	}

	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "chain", Comment: &zendesk.TicketComment{Body: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Priority == "high" {
		t.Fatalf("B fired on create: %+v", tk)
	}
	up, err := z.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Tags: []string{"escalate"}})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if !slices.Contains(up.Tags, "from_a") || up.Priority != "high" {
		t.Errorf("after one update: tags %v, priority %q; want from_a added by A and high set by B", up.Tags, up.Priority)
	}

	audits, _, err := z.GetTicketAudits(ctx, tk.ID, zendesk.PageOptions{})
	if err != nil || len(audits) != 2 {
		t.Fatalf("audits %+v, %v; want create and one update", audits, err)
	}
	via := map[float64][]string{} // trigger id -> fields it changed
	for _, e := range audits[1].Events {
		ev, _ := e.(map[string]any)
		from, _ := dig(ev, "via", "source", "from", "id").(float64)
		if from != 0 {
			via[from] = append(via[from], ev["field_name"].(string))
		}
	}
	if got := via[float64(ta.ID)]; !slices.Equal(got, []string{"tags"}) {
		t.Errorf("changes by trigger A: %v, want [tags] (events %s)", got, toJSON(t, audits[1].Events))
	}
	if got := via[float64(tb.ID)]; !slices.Equal(got, []string{"priority"}) {
		t.Errorf("changes by trigger B: %v, want [priority] (events %s)", got, toJSON(t, audits[1].Events))
	}
}

func TestTargetAPIWithZendeskClient(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	rcv := newReceiver(t)

	tg, err := z.CreateTarget(ctx, zendesk.Target{Type: "http_target", Title: "legacy", TargetURL: rcv.URL(),
		Method: "post", ContentType: "application/json", Username: "u", Password: "p", Active: true})
	if err != nil {
		t.Fatalf("create target: %v", err)
	}
	if tg.ID == 0 || tg.Title != "legacy" || tg.Password != "" {
		t.Errorf("created %+v (the password must not be shown)", tg)
	}
	if list, _, err := z.GetTargets(ctx); err != nil || len(list) != 1 {
		t.Errorf("list %+v, %v", list, err)
	}
	if up, err := z.UpdateTarget(ctx, tg.ID, zendesk.Target{Type: "http_target", Title: "legacy 2", Active: true}); err != nil || up.Title != "legacy 2" || up.TargetURL != rcv.URL() {
		t.Errorf("update %+v, %v", up, err)
	}

	// A trigger notifying the target delivers with basic auth.
	var tr zendesk.Trigger
	tr.Title = "to target"
	tr.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Create"}}
	tr.Actions = []zendesk.TriggerAction{{Field: "notification_target", Value: []any{tg.ID, `{"id": "{{ticket.id}}"}`}}}
	if _, err := z.CreateTrigger(ctx, tr); err != nil {
		t.Fatalf("trigger with a target: %v", err)
	}
	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "to target", Comment: &zendesk.TicketComment{Body: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the target delivery", func() bool { return len(rcv.ok()) == 1 })
	r := rcv.ok()[0]
	if user, pass, ok := (&http.Request{Header: r.Header}).BasicAuth(); !ok || user != "u" || pass != "p" {
		t.Errorf("target request auth %q %q %v", user, pass, ok)
	}
	if got := string(r.Body); got != `{"id": "`+itoa(tk.ID)+`"}` {
		t.Errorf("target body %s", got)
	}

	if err := z.DeleteTarget(ctx, tg.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := z.GetTarget(ctx, tg.ID); status(err) != 404 {
		t.Errorf("deleted target: %v, want 404", err)
	}
}

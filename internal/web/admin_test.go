package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func TestAdminAgents(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	admin := b.client(t)
	admin.login(apitest.AdminEmail)
	admin.get("/admin/agents")
	gid := strconv.FormatInt(b.groupID, 10)
	status, _, body := admin.post("/admin/agents", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "role": {"agent"},
		"group_ids": {gid}, "password": {"short"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "at least 10 characters") {
		t.Fatalf("short password: status %d", status)
	}
	status, loc, _ := admin.post("/admin/agents", url.Values{"name": {"Bo"}, "email": {"bo@example.com"}, "role": {"agent"},
		"group_ids": {gid}, "password": {password}})
	if status != http.StatusSeeOther || loc != "/admin/agents?flash=invited" {
		t.Fatalf("invite: status %d location %q", status, loc)
	}
	bo, err := b.env.Instance.DB.Read().UserByEmail(context.Background(), "bo@example.com")
	if err != nil || bo.Role != model.RoleAgent || bo.DefaultGroupID != b.groupID {
		t.Fatalf("invited agent %+v, %v", bo, err)
	}

	agent := b.client(t)
	agent.login("bo@example.com")
	if status, _ := agent.get("/admin/agents"); status != http.StatusForbidden {
		t.Fatalf("agent opens the admin pages: status %d", status)
	}

	path := fmt.Sprintf("/admin/agents/%d", bo.ID)
	admin.get(path)
	if status, _, _ := admin.post(path, url.Values{"role": {"admin"}}); status != http.StatusSeeOther {
		t.Fatalf("promote: status %d", status)
	}
	bo, _ = b.env.Instance.DB.Read().User(context.Background(), bo.ID)
	if bo.Role != model.RoleAdmin || bo.DefaultGroupID != 0 {
		t.Fatalf("after the edit: role %s, default group %d (want admin in no group)", bo.Role, bo.DefaultGroupID)
	}
}

func TestAdminGroupsFieldsForms(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	c.get("/admin/groups")
	if status, _, _ := c.post("/admin/groups", url.Values{"name": {"Support"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate group: status %d, want 422", status)
	}
	if status, _, _ := c.post("/admin/groups", url.Values{"name": {"Payroll (secure)"}}); status != http.StatusSeeOther {
		t.Fatalf("create group: status %d", status)
	}
	c.get("/admin/fields")
	status, _, _ := c.post("/admin/fields", url.Values{"title": {"Secure category"}, "type": {"tagger"}, "options": {"Payroll | cat_payroll\nBenefits"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create field: status %d", status)
	}
	fields, _ := b.env.Instance.DB.Read().ListFields(context.Background())
	if len(fields) != 1 || len(fields[0].Options) != 2 || fields[0].Options[0].Value != "cat_payroll" {
		t.Fatalf("fields: %+v", fields)
	}
	c.get("/admin/forms")
	status, _, _ = c.post("/admin/forms", url.Values{"name": {"Stub"}, "field_ids": {strconv.FormatInt(fields[0].ID, 10)}, "default": {"true"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create form: status %d", status)
	}
	if _, page := c.get("/admin/forms"); !strings.Contains(page, "Secure category") {
		t.Fatal("the form list doesn't name its field")
	}
}

func TestAdminTriggers(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	c.get("/admin/triggers/new")
	bad := url.Values{"title": {"Urgent VIP"}, "active": {"true"},
		"all_field": {"status", "current_tags", ""}, "all_op": {"is", "includes", ""}, "all_value": {"bogus", "vip", ""},
		"any_field": {""}, "any_op": {""}, "any_value": {""},
		"act_field": {"priority", ""}, "act_value": {"urgent", ""}, "act_body": {"", ""}}
	status, _, page := c.post("/admin/triggers", bad)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `class="rule-row invalid"`) || !strings.Contains(page, "is not a valid status") {
		t.Fatalf("invalid condition: status %d, error not shown inline", status)
	}
	good := bad
	good.Set("all_value", "new")
	good["all_value"] = []string{"new", "vip", ""}
	for _, title := range []string{"Urgent VIP", "Second"} {
		good.Set("title", title)
		if status, _, _ := c.post("/admin/triggers", good); status != http.StatusSeeOther {
			t.Fatalf("create %s: status %d", title, status)
		}
	}
	trigs, _ := b.env.Instance.DB.Read().ListTriggers(context.Background(), false)
	if len(trigs) != 2 || trigs[0].Title != "Urgent VIP" {
		t.Fatalf("triggers: %+v", trigs)
	}
	c.get("/admin/triggers")
	c.post(fmt.Sprintf("/admin/triggers/%d/move", trigs[1].ID), url.Values{"dir": {"up"}})
	c.post(fmt.Sprintf("/admin/triggers/%d/active", trigs[1].ID), url.Values{"active": {"false"}})
	trigs, _ = b.env.Instance.DB.Read().ListTriggers(context.Background(), false)
	if trigs[0].Title != "Second" || trigs[0].Active {
		t.Fatalf("after move and deactivate: %+v", trigs)
	}
	if _, page := c.get(fmt.Sprintf("/admin/triggers/%d", trigs[0].ID)); !strings.Contains(page, `value="current_tags"`) {
		t.Fatal("the edit form doesn't show the trigger's conditions")
	}
}

func TestAdminWebhookRetry(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	hook, err := b.env.Instance.Desk.SaveWebhook(ctx, b.admin, model.Webhook{Name: "Secure", Endpoint: "https://secure.example/api",
		HTTPMethod: "POST"})
	if err != nil {
		t.Fatal(err)
	}
	tk := b.ticket(t, "Payroll", "question", "p@example.com", false)
	ids := map[string]string{}
	for _, state := range []string{model.DeliveryRetrying, model.DeliveryDelivered} {
		now := time.Now()
		d := &model.Delivery{ID: ulid.Make().String(), ChainID: ulid.Make().String(), TicketID: tk.ID, Kind: "webhook",
			EndpointRef: hook.ID, Method: "POST", URL: hook.Endpoint, State: state, Attempts: 1, StatusCode: 503, CreatedAt: now, UpdatedAt: now}
		err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
			if err := b.env.Instance.Queue.Enqueue(ctx, tx, d); err != nil {
				return err
			}
			return tx.AddDelivery(ctx, d)
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[state] = d.ID
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := "/admin/webhooks/" + hook.ID
	if _, page := c.get(path); strings.Count(page, "Retry now") != 1 {
		t.Fatal("the log should offer one retry, for the retrying delivery")
	}
	if status, loc, _ := c.post(path+"/deliveries/"+ids[model.DeliveryRetrying]+"/retry", url.Values{}); status != http.StatusSeeOther || !strings.HasSuffix(loc, "flash=retried") {
		t.Fatalf("retry: status %d location %q", status, loc)
	}
	if status, _, _ := c.post(path+"/deliveries/"+ids[model.DeliveryDelivered]+"/retry", url.Values{}); status != http.StatusUnprocessableEntity {
		t.Fatalf("retry of a delivered one: status %d, want 422", status)
	}
}

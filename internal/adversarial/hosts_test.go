package adversarial

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bypassHostList is an HR admin of issue 16, item 4: secure's webhooks may only
// call the hosts on its list, and the admin tries to reach another one through
// Liquid in the URL's authority and through a redirect from a listed host.
func bypassHostList(t *testing.T, r *rig) {
	std := r.std.Addr
	t.Run("liquid in the authority", func(t *testing.T) {
		for _, endpoint := range []string{
			"http://" + std + `{{ "@` + r.target.addr + `" }}/x`,
			"http://" + std + "{{ '@" + r.target.addr + "' }}/x",
			`http://{{ "` + r.target.addr + `" }}/x`,
			"http://" + std + `{{ ":1@` + r.target.addr + `" }}/x`,
			"http://" + r.target.addr + "/x",
		} {
			r.fireWebhook(t, r.secAdmin, r.hrAgent, endpoint, "Probe", false)
		}
		assert.Empty(t, r.target.requests(), "secure called a host off its list")
	})
	t.Run("ticket values in the path and query", func(t *testing.T) {
		// Saved (the host is fixed), rendered from a ticket the attacker writes.
		for _, endpoint := range []string{"http://" + std + "/{{ticket.title}}", "http://" + std + "/x?u={{ticket.title}}"} {
			for _, subject := range []string{"@" + r.target.addr + "/x", "/../@" + r.target.addr, "#@" + r.target.addr, "\\" + r.target.addr + "/x"} {
				r.fireWebhook(t, r.secAdmin, r.hrAgent, endpoint, subject, false)
			}
		}
		assert.Empty(t, r.target.requests(), "a ticket value moved secure's webhook off its list")
	})
	t.Run("redirect from a listed host", func(t *testing.T) {
		before := len(r.redirect.requests())
		r.fireWebhook(t, r.secAdmin, r.hrAgent, r.redirect.url()+"/hook", "Probe", true)
		ok := eventually(t, 20*time.Second, "redirector called", func() bool { return len(r.redirect.requests()) > before })
		require.True(t, ok, "secure never called the listed redirector: the attack was not tried")
		time.Sleep(2 * time.Second) // room for a redirect that should not be followed
		assert.Empty(t, r.target.requests(), "secure followed a redirect off its list")
	})
	legitimateEscalation(t, r)
}

// portScan is the IT admin of issue 16, item 8: standard's webhooks as a way
// to probe loopback and link-local services. The outbound policy refuses both
// at save or at send, with an error that says so.
func portScan(t *testing.T, r *rig) {
	_, port, _ := strings.Cut(r.itRefused.addr, ":")
	for _, probe := range []struct{ endpoint, subject string }{
		{r.itRefused.url() + "/probe", "Probe"},
		{"http://169.254.169.254/latest/meta-data/", "Probe"},
		{"http://localhost:" + port + "/probe", "Probe"},              // a name for loopback, checked when dialed
		{"http://{{ticket.title}}/probe", r.itRefused.addr},           // the host from a ticket
		{"http://127.0.0.1{{ticket.title}}/probe", ".2:" + port + ""}, // an address finished by a ticket
	} {
		if msg, sent := r.fireWebhook(t, r.stdAdmin, r.itAgent, probe.endpoint, probe.subject, false); sent {
			assert.Contains(t, msg, "failed", "standard's delivery to %s (%s)", probe.endpoint, probe.subject)
		}
	}
	assert.Empty(t, r.itRefused.requests(), "standard called a loopback listener no one allowed")
	legitimateEscalation(t, r)
}

// fireWebhook saves a webhook to endpoint as admin, with a trigger that calls
// it on tickets with a tag of its own, and has creator write such a ticket
// with subject. A refusal at save is fine unless mustSave. It returns the
// delivery's outcome and whether one was tried. The trigger is deleted
// afterwards so later tickets don't fire it.
func (r *rig) fireWebhook(t *testing.T, admin, creator api, endpoint, subject string, mustSave bool) (string, bool) {
	res := admin.do(t, "POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Exfiltrate " + canary("wh"), "endpoint": endpoint, "http_method": "POST", "request_format": "json",
		"status": "active", "subscriptions": []string{"conditional_ticket_events"}}})
	if !mustSave && res.code == http.StatusUnprocessableEntity {
		t.Logf("refused at save: %s: %s", endpoint, truncate(string(res.raw), 200))
		return "", false
	}
	require.Equal(t, http.StatusCreated, res.code, "webhook %s: %s", endpoint, res)
	hook := fmt.Sprint(res.obj["webhook"].(map[string]any)["id"])
	tag := canary("probe")
	res = admin.do(t, "POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title": "Exfiltrate " + tag,
		"conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"},
			{"field": "current_tags", "operator": "includes", "value": tag}}},
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{hook, `{"id": "{{ticket.id}}"}`}}}}})
	if !mustSave && res.code == http.StatusUnprocessableEntity {
		t.Logf("trigger refused at save: %s: %s", endpoint, truncate(string(res.raw), 200))
		return "", false
	}
	require.Equal(t, http.StatusCreated, res.code, "trigger for %s: %s", endpoint, res)
	trigger := idOf(res.obj["trigger"])
	defer admin.do(t, "DELETE", fmt.Sprintf("/triggers/%d.json", trigger), nil)
	creator.createTicket(t, map[string]any{"subject": subject, "comment": map[string]any{"body": "probe"}, "tags": []string{tag}})
	return r.waitTried(t, admin, hook), true
}

// waitTried waits until a webhook has a delivery that was tried at least once
// or ended, or 10 s pass, and returns its state and error.
func (r *rig) waitTried(t *testing.T, admin api, hook string) string {
	var outcome string
	eventually(t, 10*time.Second, "delivery tried", func() bool {
		list, _ := admin.must(t, "GET", "/webhooks/"+hook+"/invocations", nil)["invocations"].([]any)
		for _, d := range list {
			d := d.(map[string]any)
			if n, _ := d["attempts"].(float64); n > 0 || d["latest_completion_status"] == "failed" {
				outcome = fmt.Sprintf("%v: %v", d["latest_completion_status"], d["error"])
				t.Logf("webhook %s: delivery %s", hook, outcome)
				return true
			}
		}
		return false
	})
	return outcome
}

// slowEndpoint is issue 16, item 7 played by an IT admin: 40 deliveries to an
// endpoint that never answers must not hold back an escalation.
func slowEndpoint(t *testing.T, r *rig) {
	res := r.stdAdmin.do(t, "POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Never answers", "endpoint": r.itHang.url() + "/hook", "http_method": "POST", "request_format": "json",
		"status": "active", "subscriptions": []string{"conditional_ticket_events"}}})
	require.Equal(t, http.StatusCreated, res.code, "webhook: %s", res)
	hook := fmt.Sprint(res.obj["webhook"].(map[string]any)["id"])
	tag := canary("slow")
	res = r.stdAdmin.do(t, "POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title": "Slow " + tag,
		"conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"},
			{"field": "current_tags", "operator": "includes", "value": tag}}},
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{hook, `{"id": "{{ticket.id}}"}`}}}}})
	require.Equal(t, http.StatusCreated, res.code, "trigger: %s", res)
	defer r.stdAdmin.do(t, "DELETE", fmt.Sprintf("/triggers/%d.json", idOf(res.obj["trigger"])), nil)
	for range 40 {
		r.itAgent.createTicket(t, map[string]any{"subject": "Slow", "comment": map[string]any{"body": "slow"}, "tags": []string{tag}})
	}
	ok := eventually(t, 10*time.Second, "endpoint called", func() bool { return len(r.itHang.requests()) > 0 })
	require.True(t, ok, "standard never called the endpoint that doesn't answer: the attack was not tried")
	start := time.Now()
	x := newTicketText()
	e := escalated{orig: r.startEscalation(t, x)}
	r.waitLinked(t, &e, x.description, 10*time.Second)
	t.Logf("escalated in %s with 40 deliveries stuck on another endpoint", time.Since(start).Round(time.Millisecond))
	r.noteFlows(t, e)
	// The stuck deliveries retry for hours; pause the webhook so the suite's
	// settle waits only for its own.
	r.stdAdmin.must(t, "PATCH", "/webhooks/"+hook, map[string]any{"webhook": map[string]any{"status": "inactive"}})
}

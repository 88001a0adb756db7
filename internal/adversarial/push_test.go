package adversarial

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/escalation"
)

// pushIntoStandard is the HR agent of issue 16, item 3: a secure ticket tagged
// as if it came from standard, to make standard create a stub with HR's text.
func pushIntoStandard(t *testing.T, r *rig) {
	c := canary("hrpush")
	tags := []string{escalation.TagEscalatedFromStd, escalation.TagStubRequired}
	for _, who := range []api{r.hrAgent, r.secAdmin} {
		res := who.do(t, "POST", "/tickets.json", map[string]any{"ticket": map[string]any{
			"subject": "Pushed " + c, "comment": map[string]any{"body": "Pushed " + c},
			"requester": map[string]any{"name": "Pushed " + c, "email": c + "@example.com"}, "tags": tags}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s created a ticket with %v: %s", who.email, tags, res)
		id := who.createTicket(t, map[string]any{"subject": "Pushed " + c, "comment": map[string]any{"body": "Pushed " + c}})
		res = who.do(t, "PUT", fmt.Sprintf("/tickets/%d.json", id), map[string]any{"ticket": map[string]any{"additional_tags": tags}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s tagged ticket %d with %v: %s", who.email, id, tags, res)
	}
	r.settle(t)
	r.assertAbsentFromStandard(t, c)
	legitimateEscalation(t, r)
}

// stdHolding lists what in standard's database holds c: files of the SQLite
// data dir, or PostgreSQL relations and WAL segments.
func (r *rig) stdHolding(t *testing.T, c string) []string {
	if r.stdPG == nil {
		return canarytest.FilesContaining(t, r.stdData, tail(c))
	}
	h := r.stdPG.holding(t, stored(c))
	return append(append(h.indexes, h.tables...), h.wal...)
}

// assertAbsentFromStandard checks standard's search, ticket list, data files and
// log for c.
func (r *rig) assertAbsentFromStandard(t *testing.T, c string) {
	res := r.stdAdmin.do(t, "GET", "/search.json?query="+c, nil)
	require.Equal(t, http.StatusOK, res.code, "search: %s", res)
	assert.Zero(t, res.obj["count"], "standard's search finds %s: %s", c, res)
	for _, tk := range r.stdAdmin.list(t, "/tickets.json", "tickets") {
		assert.False(t, strings.Contains(fmt.Sprint(tk), tail(c)), "standard ticket %v holds %s", tk["id"], c)
	}
	assert.Empty(t, r.stdHolding(t, c), "standard's data holds %s", c)
	log, err := os.ReadFile(r.std.LogPath)
	require.NoError(t, err)
	assert.NotContains(t, string(log), tail(c), "standard's log holds %s", c)
}

// deliveryState is the state of a webhook's delivery for a ticket, "" if none.
func (r *rig) deliveryState(t *testing.T, admin api, hook string, ticket int64) string {
	list, _ := admin.must(t, "GET", "/webhooks/"+hook+"/invocations", nil)["invocations"].([]any)
	for _, d := range list {
		if d := d.(map[string]any); d["ticket_id"] == float64(ticket) {
			return fmt.Sprint(d["latest_completion_status"])
		}
	}
	return ""
}

// hrAdminEditsRecipe is issue 16, item 3 by an HR admin, who may edit secure's
// triggers: a trigger of their own adds the recipe's tags, and the recipe's
// "create stub" trigger is rewritten to fire on any ticket and carry its
// subject (confidential mode refuses description and comment placeholders). Standard must still get no HR text; setup then
// restores the recipe.
func hrAdminEditsRecipe(t *testing.T, r *rig) {
	c, probe := canary("hradmin"), canary("probe")
	onProbe := []map[string]any{{"field": "update_type", "operator": "is", "value": "Create"},
		{"field": "current_tags", "operator": "includes", "value": probe}}
	res := r.secAdmin.do(t, "POST", "/triggers.json", map[string]any{"trigger": map[string]any{"title": "Tag " + probe,
		"conditions": map[string]any{"all": onProbe},
		"actions":    []map[string]any{{"field": "current_tags", "value": escalation.TagEscalatedFromStd + " " + escalation.TagStubRequired}}}})
	t.Logf("a trigger adding the recipe's tags: %s", truncate(res.String(), 200))
	if res.code == http.StatusCreated {
		defer r.secAdmin.do(t, "DELETE", fmt.Sprintf("/triggers/%d.json", idOf(res.obj["trigger"])), nil)
	}
	stub := r.secAdmin.idOfNamed(t, "/triggers.json", "triggers", "title", escalation.TriggerCreateStub)
	hook := r.secAdmin.webhookID(t, "Escalation: create standard stub")
	res = r.secAdmin.do(t, "PUT", fmt.Sprintf("/triggers/%d.json", stub), map[string]any{"trigger": map[string]any{
		"conditions": map[string]any{"all": onProbe},
		"actions": []map[string]any{{"field": "notification_webhook", "value": []string{hook,
			`{"ticket": {"subject": "{{ticket.title}}", "comment": {"body": "{{ticket.title}}", "public": false}, "external_id": "{{ticket.id}}", "tags": ["` +
				escalation.TagStubRequiresSync + `", "` + escalation.TagHasSecureID + `", "` + escalation.TagEscalatedToSecure + `"]}}`}}}}})
	require.Equal(t, http.StatusOK, res.code, "an HR admin may edit secure's triggers: %s", res)
	hr := r.hrAgent.createTicket(t, map[string]any{"subject": "Leak " + c, "comment": map[string]any{"body": "Salary " + c}, "tags": []string{probe}})
	r.settle(t)
	require.Equal(t, "failed", r.deliveryState(t, r.secAdmin, hook, hr), "the rewritten trigger's stub for ticket %d: the attack was not tried or standard took it", hr)
	r.assertAbsentFromStandard(t, c)
	r.setup(t)
	legitimateEscalation(t, r)
}

package escalation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// The trigger bodies of ../shared/seed-two-instance-escalation.txt, verbatim except
// that the article's placeholder ids are replaced with numbers (as a reader must do)
// and one formatting artifact of the article is restored ("{%caseticket" has lost
// its spaces). 5 is the group of the sample ticket used for the save-time dry run.
var seedBodies = []struct {
	name  string
	body  string
	valid bool
}{
	{"Forward and delete", `{% case ticket.group.id %}
{% when 5 %}
{% assign group = '42' %}
{% else %}
{% assign group = '' %}
{% endcase %}
{
"ticket":
{
"subject": "{{ticket.title}}",
"group_id": {{group}},
"comment": {
"body": "{{ticket.comments_formatted}}"
},
"requester": "{{ticket.requester.email}}",
"tags": [
"escalated_from_standard",
"ticket_stub_required"
],
"custom_fields": [{"id": 901, "value": "{{current_user.email}}"}]
}
}`, true},
	{"Send Stub ID", `{"ticket": {"external_id":"{{ticket.id}}","additional_tags": ["has_standard_id"]}}`, true},
	{"Send comment", `{"ticket": {"comment":{}
"body": "Comment via standard instance:\n{{ticket.latest_comment_formatted}}",
"public": false}}`, false},
	{"Create stub ticket", `{% case ticket.group.id %}{% when 5 %}{% assign group ='77'%}{%else%}{% assign group ='78'%}{% endcase %}{"ticket":{"subject":"{{ticket.title}}","submitter":"{{ticket.requester.email}}","group_id":"{{group}}","ticket_form_id": 555,"status": "hold","comment":{"body":"This is a ticket stub for a ticket escalated to secure, the secure ticket ID is {{ticket.id}}\nDo not edit this ticket.","public":false},"requester":"{{ticket.requester.email}}","external_id":"{{ticket.id}}","tags": ["stub_requires_sync","has_secure_id","escalated_to_secure"]}}`, true},
	{"Update standard stub - reassigned", `{"ticket": {"custom_fields": [{"id": 902,"value":"{{ticket.assignee.email}}"},{"id": 903,"value":"{{ticket.group.name}}"}]}}`, true},
	{"Update standard stub - closed", `{{"ticket": {"status":"closed","custom_fields": [{"id": 904,"value":"{{ticket.ticket_field_905}}"}]}}`, false},
}

// TestSeedBodies loads the article's bodies into an instance: the valid ones are
// accepted, the broken ones get a 422 that names the JSON error.
func TestSeedBodies(t *testing.T) {
	t.Parallel()
	n := &node{name: "standard", addr: "127.0.0.1:0", dir: t.TempDir()}
	n.start(t)
	t.Cleanup(n.stop)
	require.NoError(t, n.Bootstrap(t.Context(), "admin@standard.example"))
	admin := api{t, n.URL, n.Admin.Email, n.Token}
	hook := admin.must("POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Seed target", "endpoint": "http://127.0.0.1:9/api/v2/tickets.json", "http_method": "POST", "request_format": "json"}})
	hookID := hook["webhook"].(map[string]any)["id"].(string)
	for _, sb := range seedBodies {
		t.Run(sb.name, func(t *testing.T) {
			code, out := admin.call("POST", "/triggers.json", map[string]any{"trigger": map[string]any{
				"title":      "Seed: " + sb.name,
				"conditions": map[string]any{"all": []any{map[string]any{"field": "update_type", "operator": "is", "value": "Create"}}},
				"actions":    []any{map[string]any{"field": "notification_webhook", "value": []string{hookID, sb.body}}},
			}})
			if sb.valid {
				require.Equal(t, 201, code, "%v", out)
				return
			}
			require.Equal(t, 422, code, "%v", out)
			details := fmt.Sprint(out["details"])
			require.Contains(t, details, "actions[0]")
			require.True(t, strings.Contains(details, "JSON") || strings.Contains(details, "Liquid"), details)
		})
	}
}

// TestSeedForwardElseBranch shows a bug of the article's forward body that the dry
// run catches: for a group outside the case block (the unassigned fallback) it
// renders `"group_id": ,`, which is not JSON. The recipe quotes the value instead.
func TestSeedForwardElseBranch(t *testing.T) {
	t.Parallel()
	n := &node{name: "standard", addr: "127.0.0.1:0", dir: t.TempDir()}
	n.start(t)
	t.Cleanup(n.stop)
	require.NoError(t, n.Bootstrap(t.Context(), "admin@standard.example"))
	admin := api{t, n.URL, n.Admin.Email, n.Token}
	hook := admin.must("POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Seed target", "endpoint": "http://127.0.0.1:9/x", "http_method": "POST", "request_format": "json"}})
	body := strings.Replace(seedBodies[0].body, "{% when 5 %}", "{% when 6 %}", 1)
	code, out := admin.call("POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title":      "Seed forward, other group",
		"conditions": map[string]any{"all": []any{map[string]any{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions":    []any{map[string]any{"field": "notification_webhook", "value": []string{hook["webhook"].(map[string]any)["id"].(string), body}}},
	}})
	require.Equal(t, 422, code, "%v", out)
	require.Contains(t, fmt.Sprint(out["details"]), "JSON")
}

// TestSetupFollowsPagination: with more groups than fit on a page, setup still finds
// the pseudo group that sits on the second page instead of failing to create a
// duplicate.
func TestSetupFollowsPagination(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	std := &node{name: "standard", addr: "127.0.0.1:0", dir: dir + "/standard"}
	sec := &node{name: "secure", addr: "127.0.0.1:0", dir: dir + "/secure"}
	for _, n := range []*node{std, sec} {
		if n == sec {
			n.allow = std.addr
		}
		n.start(t)
		t.Cleanup(n.stop)
		require.NoError(t, n.Bootstrap(t.Context(), "admin@"+n.name+".example"))
	}
	admin := api{t, std.URL, std.Admin.Email, std.Token}
	for i := 0; i < 105; i++ {
		admin.must("POST", "/groups.json", map[string]any{"group": map[string]any{"name": fmt.Sprintf("Team %03d", i)}})
	}
	admin.must("POST", "/groups.json", map[string]any{"group": map[string]any{"name": "Payroll (secure)"}})
	m, err := escalation.ParseMap("Payroll (secure)=Payroll")
	require.NoError(t, err)
	rep, err := escalation.Setup(t.Context(), escalation.Config{
		Standard: escalation.Side{URL: std.URL, Email: std.Admin.Email, Token: std.Token},
		Secure:   escalation.Side{URL: sec.URL, Email: sec.Admin.Email, Token: sec.Token},
		Map:      m,
	})
	require.NoError(t, err)
	require.Contains(t, rep.Unchanged, "standard group Payroll (secure)")
}

// TestSetupRefusesSecureWithoutConfidential: a secure instance started without
// --confidential would let its admins send comment text anywhere, and the peer
// rules would treat it as a standard instance; setup says so instead of
// provisioning it.
func TestSetupRefusesSecureWithoutConfidential(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	std := &node{name: "standard", addr: "127.0.0.1:0", dir: dir + "/standard"}
	sec := &node{name: "secure", addr: "127.0.0.1:0", dir: dir + "/secure"}
	for _, n := range []*node{std, sec} {
		n.start(t)
		t.Cleanup(n.stop)
		require.NoError(t, n.Bootstrap(t.Context(), "admin@"+n.name+".example"))
	}
	m, err := escalation.ParseMap("Payroll (secure)=Payroll")
	require.NoError(t, err)
	_, err = escalation.Setup(t.Context(), escalation.Config{
		Standard: escalation.Side{URL: std.URL, Email: std.Admin.Email, Token: std.Token},
		Secure:   escalation.Side{URL: sec.URL, Email: sec.Admin.Email, Token: sec.Token},
		Map:      m,
	})
	require.ErrorContains(t, err, "does not run in confidential mode")
	hooks := api{t, std.URL, std.Admin.Email, std.Token}.must("GET", "/webhooks.json", nil)
	require.Empty(t, hooks["webhooks"], "nothing is provisioned on a refused setup")
}

package escalation_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfidentialMode: on a confidential instance comment text can't flow out by
// misconfiguration: bodies may not name comment or description placeholders, and
// webhooks may only call hosts on the allowlist.
func TestConfidentialMode(t *testing.T) {
	t.Parallel()
	n := &node{name: "secure", addr: "127.0.0.1:0", dir: t.TempDir(), allow: "127.0.0.1:9"}
	n.start(t)
	t.Cleanup(n.stop)
	require.NoError(t, n.Bootstrap(t.Context(), "admin@secure.example"))
	admin := api{t, n.URL, n.Admin.Email, n.Token}

	code, out := admin.call("POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Exfiltrate", "endpoint": "http://198.51.100.7/collect", "http_method": "POST", "request_format": "json"}})
	require.Equal(t, 422, code, "%v", out)
	require.Contains(t, fmt.Sprint(out["details"]), "allowlist")

	hook := admin.must("POST", "/webhooks", map[string]any{"webhook": map[string]any{
		"name": "Standard", "endpoint": "http://127.0.0.1:9/api/v2/tickets.json", "http_method": "POST", "request_format": "json"}})
	hookID := hook["webhook"].(map[string]any)["id"].(string)

	for _, body := range []string{
		`{"c": "{{ticket.comments_formatted}}"}`,
		`{"c": "{{ticket.latest_comment}}"}`,
		`{"c": "{{ ticket.description }}"}`,
		`{"c": "{% for c in ticket.comments %}{{c.value}}{% endfor %}"}`,
		`{"c": "{{ticket.latest_public_comment_formatted}}"}`,
	} {
		code, out := admin.call("POST", "/triggers.json", trigger(hookID, body))
		require.Equal(t, 422, code, "%s: %v", body, out)
		require.Contains(t, fmt.Sprint(out["details"]), "confidential mode")
	}
	code, out = admin.call("POST", "/triggers.json", trigger(hookID, `{"s": "{{ticket.status}}", "g": "{{ticket.group.name}}"}`))
	require.Equal(t, 201, code, "%v", out)
}

func trigger(hookID, body string) map[string]any {
	return map[string]any{"trigger": map[string]any{
		"title":      "Confidential check",
		"conditions": map[string]any{"all": []any{map[string]any{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions":    []any{map[string]any{"field": "notification_webhook", "value": []string{hookID, body}}},
	}}
}

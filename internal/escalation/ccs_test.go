package escalation_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEscalationCarriesNoCCs: a standard ticket's CCs and followers stay on
// standard when it escalates. Neither the secure ticket nor the stub has any,
// secure learns nothing of who was copied (no user for the CC's address), and
// the standard side can't push CCs onto the secure ticket through the stub:
// the peer refuses them (422) instead of dropping them.
func TestEscalationCarriesNoCCs(t *testing.T) {
	tw := newTwin(t)
	it, itID := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	c := canary(t, "CCCANARY")
	out := it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject":      "Payslip question",
		"comment":      map[string]any{"body": "My salary is wrong: " + c},
		"requester":    map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"},
		"email_ccs":    []map[string]any{{"user_email": "manager.cc@example.com", "user_name": "Manager", "action": "put"}},
		"follower_ids": []int64{itID},
	}})
	orig := ticketID(out)
	tk := out["ticket"].(map[string]any)
	require.Len(t, tk["email_cc_ids"], 1)
	require.Len(t, tk["follower_ids"], 1)
	tw.moveToPseudo(t, it, orig)
	e := tw.waitLinked(t, orig, c, 30*time.Second)

	sec := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	require.Empty(t, sec["email_cc_ids"], "CCs crossed to secure")
	require.Empty(t, sec["follower_ids"])
	require.Empty(t, sec["collaborator_ids"])
	known := tw.secAdmin.must("GET", "/users/search.json?query=jo.doe@example.com", nil)
	require.NotEmpty(t, known["users"], "the search finds the requester it was given")
	found := tw.secAdmin.must("GET", "/users/search.json?query=manager.cc@example.com", nil)
	require.Empty(t, found["users"], "secure knows the CC's address")

	stub := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
	require.Empty(t, stub["email_cc_ids"], "the stub shows who was copied")
	require.Empty(t, stub["follower_ids"])

	// The peer credential may not set CCs on the secure ticket.
	code, body := tw.probePeer(tw.sec).call("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"email_ccs": []map[string]any{{"user_email": "spy@example.com", "action": "put"}}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", body)
	sec = tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	require.Empty(t, sec["email_cc_ids"])
}

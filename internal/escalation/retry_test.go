package escalation_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// TestFailedEscalationIsShownAndRetried: an escalation the secure instance
// refuses for good (here a 401: the peer token standard holds was revoked) leaves
// the ticket in standard, where it shows the failure, stays open to its agents,
// and can be retried once the cause is fixed; a comment added after the failure
// reaches the secure ticket (issue 16, item 7).
func TestFailedEscalationIsShownAndRetried(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	// Revoke the token standard calls secure with: secure answers 401.
	tw.secAdmin.must("POST", "/twindesk/peer_identities/standard/token.json", map[string]any{})

	c1, c2 := canary(t, "BEFORE"), canary(t, "AFTER")
	orig := createOriginal(t, it, c1)
	tw.moveToPseudo(t, it, orig)
	path := fmt.Sprintf("/twindesk/tickets/%d/escalation", orig)
	var failed []any
	eventually(t, "the escalation to fail", func() bool {
		_, out := it.call("GET", path+".json", nil)
		failed, _ = out["failed_chains"].([]any)
		return len(failed) == 1
	})
	require.Contains(t, failed[0].(map[string]any)["error"], "answered 401")

	// The agent can still work on it, and the comment travels with the retry.
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Added after the failure " + c2, "public": false}}})
	cfg := tw.config(t)
	cfg.Rotate = true
	_, err := escalation.Setup(tw.ctx, cfg)
	require.NoError(t, err)
	it.must("POST", path+"/retry.json", nil)
	e := tw.waitLinked(t, orig, c1, 15*time.Second)
	require.Contains(t, comments(tw.secAdmin, e.secureID), c2)
	code, _ := it.call("GET", path+".json", nil)
	require.Equal(t, http.StatusNotFound, code, "the original is gone")
}

// config is the escalation configuration newTwin provisioned.
func (tw *twin) config(t *testing.T) escalation.Config {
	m, err := escalation.ParseMap("Payroll (secure)=Payroll,HR (secure)=HR")
	require.NoError(t, err)
	return escalation.Config{
		Standard: escalation.Side{URL: tw.std.URL, Email: tw.std.Admin.Email, Token: tw.std.Token},
		Secure:   escalation.Side{URL: tw.sec.URL, Email: tw.sec.Admin.Email, Token: tw.sec.Token},
		Map:      m,
	}
}

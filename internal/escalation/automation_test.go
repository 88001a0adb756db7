package escalation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAutomationClosesEscalatedTicket: Zendesk's default automation closes a
// secure ticket solved more than four days ago, and since its change runs the
// triggers like any update, the recipe's "stub closed" sync closes the stub on
// standard.
func TestAutomationClosesEscalatedTicket(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	payroll, payrollID := tw.agent(tw.sec, "Paul Payroll", "payroll.agent@secure.example", "Payroll")
	e := tw.escalate(t, it, canary(t, "CANARY"))
	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"assignee_id": payrollID, "status": "solved"}})

	// Arrange: the secure ticket was solved five days ago.
	_, err := tw.sec.Instance.DB.WriteDB().ExecContext(tw.ctx, `UPDATE ticket_clocks SET solved_at = $1 WHERE ticket_id = $2`,
		time.Now().Add(-120*time.Hour).UnixMicro(), e.secureID)
	require.NoError(t, err)
	st, err := tw.sec.Instance.Desk.RunAutomations(tw.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Updated)
	sec := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	require.Equal(t, "closed", sec["status"])
	eventually(t, "the stub closed by the recipe's sync", func() bool {
		s := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
		return s["status"] == "closed"
	})
	// Standard's automations find nothing to do: the stub closed by the sync.
	st, err = tw.std.Instance.Desk.RunAutomations(tw.ctx)
	require.NoError(t, err)
	require.Zero(t, st.Fired)
}

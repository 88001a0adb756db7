package escalation_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// TestEscalationIntoPrivatePayroll: with Payroll private on secure, the
// escalation still lands there, the stub still follows it and IT's notes still
// reach it (the peer is not an agent, so the group doesn't hide tickets from
// it), while an HR agent outside Payroll on secure meets the escalated ticket
// nowhere: not by id, not by the canary in search, not by the standard number.
func TestEscalationIntoPrivatePayroll(t *testing.T) {
	tw := newTwin(t)
	payrollGroup := groupID(t, tw.secAdmin, "Payroll")
	tw.secAdmin.must("PUT", fmt.Sprintf("/groups/%d.json", payrollGroup), map[string]any{"group": map[string]any{"is_public": false}})
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	payroll, payrollID := tw.agent(tw.sec, "Paul Payroll", "payroll.agent@secure.example", "Payroll")
	hr, _ := tw.agent(tw.sec, "Hana HR", "hr.agent@secure.example", "HR")
	c := canary(t, "PRIVATE")
	e := tw.escalate(t, it, c)

	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{"assignee_id": payrollID}})
	stdFields := fieldIDs(t, tw.stdAdmin)
	eventually(t, "stub shows the Payroll assignee", func() bool {
		s := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
		return fieldValue(s, stdFields[escalation.FieldSecureAssignee]) == "payroll.agent@secure.example"
	})
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", e.stubID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Caller phoned again", "public": false}}})
	eventually(t, "IT note on the private secure ticket", func() bool {
		return strings.Contains(comments(payroll, e.secureID), "Caller phoned again")
	})

	code, body := hr.call("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)
	require.Equal(t, http.StatusNotFound, code, "%v", body)
	code, body = hr.call("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "peek", "public": false}}})
	require.Equal(t, http.StatusNotFound, code, "%v", body)
	for _, q := range []string{strings.ToLower(c), fmt.Sprint(e.originalID), fmt.Sprint(e.secureID), "type:ticket"} {
		found := hr.must("GET", "/search.json?query="+url.QueryEscape(q), nil)
		require.NotContainsf(t, fmt.Sprint(found["results"]), c, "HR search %q", q)
		for _, r := range found["results"].([]any) {
			row := r.(map[string]any)
			require.Falsef(t, row["result_type"] == "ticket" && row["id"] == float64(e.secureID), "HR search %q found the Payroll ticket", q)
		}
	}
	require.Contains(t, comments(payroll, e.secureID), c, "Payroll's member reads it")
}

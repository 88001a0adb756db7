package escalation_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// escalated is what steps 1-3 produce.
type escalated struct {
	originalID, secureID, stubID int64
}

// escalate runs DESIGN section 9 steps 1-3 for one ticket whose body carries c.
func (tw *twin) escalate(t *testing.T, it api, itID int64, c string) escalated {
	out := it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject":   "Payslip question",
		"comment":   map[string]any{"body": "My salary is wrong: " + c + "\n\"quoted\" \\ tab\t"},
		"requester": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"},
	}})
	orig := ticketID(out)
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Internal: forwarding to payroll " + c, "public": false},
	}})
	pseudo := groupID(t, tw.stdAdmin, "Payroll (secure)")
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{"group_id": pseudo}})

	var e escalated
	e.originalID = orig
	eventually(t, "secure ticket, stub and both external ids", func() bool {
		stubs := ticketsByExternalID(tw.stdAdmin, "")
		_ = stubs
		code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", orig), nil)
		if code != http.StatusNotFound {
			return false
		}
		_, res := tw.secAdmin.call("GET", "/tickets.json", nil)
		for _, x := range res["tickets"].([]any) {
			tk := x.(map[string]any)
			ext, _ := tk["external_id"].(string)
			if ext == "" || !strings.Contains(comments(tw.secAdmin, int64(tk["id"].(float64))), c) {
				continue
			}
			stub := ticketsByExternalID(tw.stdAdmin, fmt.Sprint(tk["id"]))
			if len(stub) == 1 && fmt.Sprint(stub[0]["id"]) == ext {
				e.secureID, e.stubID = int64(tk["id"].(float64)), int64(stub[0]["id"].(float64))
				return true
			}
		}
		return false
	})
	return e
}

func TestEscalationFlow(t *testing.T) {
	tw := newTwin(t)
	it, itID := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	payroll, payrollID := tw.agent(tw.sec, "Paul Payroll", "payroll.agent@secure.example", "Payroll")
	c1 := canary(t, "CANARY")
	e := tw.escalate(t, it, itID, c1)

	stdFields, secFields := fieldIDs(t, tw.stdAdmin), fieldIDs(t, tw.secAdmin)
	sec := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	require.EqualValues(t, groupID(t, tw.secAdmin, "Payroll"), sec["group_id"])
	require.Equal(t, fmt.Sprint(e.stubID), sec["external_id"])
	require.Equal(t, "it.agent@standard.example", fieldValue(sec, secFields[escalation.FieldEscalatedBy]))
	require.Subset(t, sec["tags"], []any{escalation.TagEscalatedFromStd, escalation.TagHasStandardID})
	requester := tw.secAdmin.must("GET", fmt.Sprintf("/users/%v.json", sec["requester_id"]), nil)["user"].(map[string]any)
	require.Equal(t, "jo.doe@example.com", requester["email"])
	secComments := comments(tw.secAdmin, e.secureID)
	require.Contains(t, secComments, "forwarding to payroll", "private notes travel with the ticket")

	stub := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
	require.Equal(t, "hold", stub["status"])
	require.Equal(t, fmt.Sprint(e.secureID), stub["external_id"])
	require.EqualValues(t, groupID(t, tw.stdAdmin, "Payroll (secure)"), stub["group_id"])
	require.Equal(t, "Payroll", fieldValue(stub, stdFields[escalation.FieldSecureGroup]))
	require.Equal(t, "it.agent@standard.example", fieldValue(stub, stdFields[escalation.FieldEscalatedBy]))
	require.NotContains(t, comments(tw.stdAdmin, e.stubID), c1)

	// Step 4: Payroll assigns; the stub shows assignee and group.
	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{"assignee_id": payrollID, "status": "open"}})
	eventually(t, "stub shows the secure assignee", func() bool {
		s := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
		return fieldValue(s, stdFields[escalation.FieldSecureAssignee]) == "payroll.agent@secure.example" &&
			fieldValue(s, stdFields[escalation.FieldSecureStatus]) == "open"
	})

	// Step 5: an IT note on the stub reaches the secure ticket.
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", e.stubID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Caller phoned again, please hurry", "public": false}}})
	eventually(t, "IT note on the secure ticket", func() bool {
		return strings.Contains(comments(tw.secAdmin, e.secureID), "Comment via standard instance:") &&
			strings.Contains(comments(tw.secAdmin, e.secureID), "Caller phoned again")
	})

	// Step 6: secure comments never reach standard.
	c2 := canary(t, "SECRET")
	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Your salary is 4,500 " + c2, "public": true}}})
	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Note: bank details " + c2, "public": false}}})

	// Step 7: category and close; the stub closes with the category.
	cat := escalation.DefaultCategories[1]
	payroll.must("PUT", fmt.Sprintf("/tickets/%d.json", e.secureID), map[string]any{"ticket": map[string]any{
		"status": "closed", "custom_fields": []any{map[string]any{"id": secFields[escalation.FieldCategory], "value": cat.Tag}}}})
	eventually(t, "stub closed with category", func() bool {
		s := tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.stubID), nil)["ticket"].(map[string]any)
		return s["status"] == "closed" && fieldValue(s, stdFields[escalation.FieldSecureCategory]) == cat.Tag
	})
	require.NotContains(t, comments(tw.stdAdmin, e.stubID), c2)

	// Step 8: the standard report counts the escalation by category.
	rep := tw.stdAdmin.must("GET", "/twindesk/reports/escalations.json", nil)["report"].(map[string]any)
	require.EqualValues(t, 1, rep["total"])
	require.EqualValues(t, 1, rep["closed"])
	require.Equal(t, []any{map[string]any{"key": cat.Name, "count": float64(1)}}, rep["by_category"])
	require.Equal(t, []any{map[string]any{"key": "it.agent@standard.example", "count": float64(1)}}, rep["by_escalated_by"])

	// Confidentiality: nothing of either canary is left anywhere in standard's data.
	tw.stopStandardAndScan(t, c1, c2)
}

// stopStandardAndScan stops the standard instance and scans every byte of its data
// directory for the canaries.
func (tw *twin) stopStandardAndScan(t *testing.T, canaries ...string) {
	tw.cancel()
	tw.wg.Wait()
	for _, c := range canaries {
		require.Empty(t, grepDir(t, tw.std.DataDir, c), "canary %s found in the standard data dir", c)
	}
}

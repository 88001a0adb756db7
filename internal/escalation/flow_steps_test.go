package escalation_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/peer"
)

// escalated is what steps 1-3 produce.
type escalated struct {
	originalID, secureID, stubID int64
}

// createOriginal is step 1 (plus an internal note): a ticket whose body and note
// carry c.
func createOriginal(t *testing.T, it api, c string) int64 {
	out := it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject":   "Payslip question",
		"comment":   map[string]any{"body": "My salary is wrong: " + c + "\n\"quoted\" \\ tab\t"},
		"requester": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"},
	}})
	orig := ticketID(out)
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Internal: forwarding to payroll " + c, "public": false},
	}})
	return orig
}

// moveToPseudo is step 2: an IT agent puts the ticket in the Payroll pseudo group.
func (tw *twin) moveToPseudo(t *testing.T, it api, orig int64) {
	pseudo := groupID(t, tw.stdAdmin, "Payroll (secure)")
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{"group_id": pseudo}})
}

// waitLinked is step 3: the original is gone, the secure ticket holds c and both
// external ids point at each other.
func (tw *twin) waitLinked(t *testing.T, orig int64, c string, limit time.Duration) escalated {
	e := escalated{originalID: orig}
	eventuallyWithin(t, limit, "secure ticket, stub and both external ids", func() bool {
		if code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", orig), nil); code != http.StatusNotFound {
			return false
		}
		for _, tk := range tagged(tw.secAdmin, escalation.TagEscalatedFromStd) {
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

// tagged lists the tickets of an instance that carry tag.
func tagged(a api, tag string) []map[string]any {
	var res []map[string]any
	_, out := a.call("GET", "/tickets.json?per_page=100", nil)
	if out == nil {
		return nil
	}
	list, _ := out["tickets"].([]any)
	for _, x := range list {
		tk := x.(map[string]any)
		for _, tg := range tk["tags"].([]any) {
			if tg == tag {
				res = append(res, tk)
			}
		}
	}
	return res
}

// escalate runs DESIGN section 9 steps 1-3 for one ticket whose body carries c.
func (tw *twin) escalate(t *testing.T, it api, c string) escalated {
	orig := createOriginal(t, it, c)
	tw.moveToPseudo(t, it, orig)
	return tw.waitLinked(t, orig, c, 15*time.Second)
}

func TestEscalationFlow(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	payroll, payrollID := tw.agent(tw.sec, "Paul Payroll", "payroll.agent@secure.example", "Payroll")
	c1 := canary(t, "CANARY")
	e := tw.escalate(t, it, c1)

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
	require.Equal(t, "Escalated to Payroll", stub["subject"], "the stub's subject is neutral, never the original's")
	stubRequester := tw.stdAdmin.must("GET", fmt.Sprintf("/users/%v.json", stub["requester_id"]), nil)["user"].(map[string]any)
	require.Equal(t, "jo.doe@example.com", stubRequester["email"], "phone support finds a caller's stub by requester")
	require.Equal(t, fmt.Sprint(e.secureID), stub["external_id"])
	require.EqualValues(t, groupID(t, tw.stdAdmin, "Payroll (secure)"), stub["group_id"])
	require.Equal(t, peer.TeamOption(groupID(t, tw.secAdmin, "Payroll")), fieldValue(stub, stdFields[escalation.FieldSecureTeam]))
	require.Equal(t, "it.agent@standard.example", fieldValue(stub, stdFields[escalation.FieldEscalatedBy]))
	require.NotContains(t, comments(tw.stdAdmin, e.stubID), c1)

	// Phone support: the old number leads to the stub, by id and by search.
	// The soft delete answers 404 before the purge leaves its tombstone: wait for it.
	eventually(t, "the tombstone naming the stub", func() bool {
		code, gone := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", e.originalID), nil)
		esc, _ := gone["escalated"].(map[string]any)
		return code == http.StatusNotFound && gone["error"] == "RecordNotFound" && esc != nil &&
			fmt.Sprint(esc["stub_id"]) == fmt.Sprint(e.stubID)
	})
	found := tw.stdAdmin.must("GET", fmt.Sprintf("/search.json?query=%d", e.originalID), nil)
	require.Contains(t, fmt.Sprint(found["results"]), fmt.Sprintf("id:%d ", e.stubID))

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

	// Confidentiality: no standard API response shows either canary...
	tw.requireNoCanaryInAPI(t, e, c1, c2)
	// ...and nothing of either is left anywhere in standard's data.
	tw.stopStandardAndScan(t, c1, c2)
}

// stopStandardAndScan stops the standard instance and scans every byte of its data
// directory for the canaries, in every form they may be stored in (the
// full-text index keeps their words lowercased).
func (tw *twin) stopStandardAndScan(t *testing.T, canaries ...string) {
	tw.std.stop()
	for _, c := range canaries {
		for _, needle := range canarytest.Needles(c) {
			require.Empty(t, canarytest.FilesContaining(t, tw.std.DataDir, needle), "canary %s (as %q) found in the standard data dir", c, needle)
		}
	}
}

// requireExactlyOnce checks that one escalation produced one secure ticket and one
// stub, and left no original.
func (tw *twin) requireExactlyOnce(t *testing.T, e escalated) {
	require.Len(t, tagged(tw.secAdmin, escalation.TagEscalatedFromStd), 1, "secure tickets")
	require.Len(t, tagged(tw.stdAdmin, escalation.TagEscalatedToSecure), 1, "stubs")
	code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", e.originalID), nil)
	require.Equal(t, http.StatusNotFound, code)
}

func TestEscalationSurvivesSecureOutage(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	c := canary(t, "CANARY")
	orig := createOriginal(t, it, c)
	tw.sec.stop()
	tw.moveToPseudo(t, it, orig)
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", orig), nil)
		require.Equal(t, http.StatusOK, code, "the original must stay while secure is down")
	}
	// A note added now would be purged with the original and never reach secure:
	// it is refused, with a message that says what to do instead.
	code, out := it.call("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "late note", "public": false}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)
	require.Contains(t, fmt.Sprint(out["details"]), "being escalated")
	tw.sec.start(t)
	e := tw.waitLinked(t, orig, c, 90*time.Second)
	tw.requireExactlyOnce(t, e)
}

func TestEscalationSurvivesStandardOutageDuringStub(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	c := canary(t, "CANARY")
	orig := createOriginal(t, it, c)
	tw.moveToPseudo(t, it, orig)
	eventually(t, "the secure ticket", func() bool { return len(tagged(tw.secAdmin, escalation.TagEscalatedFromStd)) > 0 })
	tw.std.stop() // the stub creation, stub id and delete are all in flight now
	time.Sleep(10 * time.Second)
	tw.std.start(t)
	e := tw.waitLinked(t, orig, c, 90*time.Second)
	tw.requireExactlyOnce(t, e)
}

// requireNoCanaryInAPI reads every standard endpoint that could echo ticket text.
func (tw *twin) requireNoCanaryInAPI(t *testing.T, e escalated, canaries ...string) {
	paths := []string{
		"/tickets.json", fmt.Sprintf("/tickets/%d.json", e.stubID), fmt.Sprintf("/tickets/%d/comments.json", e.stubID),
		fmt.Sprintf("/tickets/%d/audits.json", e.stubID), fmt.Sprintf("/tickets/%d.json", e.originalID),
		"/deleted_tickets.json", "/twindesk/reports/escalations.json", "/triggers.json", "/webhooks",
	}
	for _, c := range canaries {
		paths = append(paths, "/search.json?query="+c, "/search/export.json?query="+c+"&filter[type]=ticket")
	}
	_, hooks := tw.stdAdmin.call("GET", "/webhooks", nil)
	for _, h := range hooks["webhooks"].([]any) {
		paths = append(paths, "/webhooks/"+h.(map[string]any)["id"].(string)+"/invocations")
	}
	for _, p := range paths {
		_, out := tw.stdAdmin.call("GET", p, nil)
		body := fmt.Sprint(out)
		for _, c := range canaries {
			require.NotContains(t, body, c, "GET %s", p)
		}
	}
}

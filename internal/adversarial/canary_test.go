package adversarial

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
)

// neutralSubject is what a stub shows instead of the original subject.
const neutralSubject = "Escalated to Payroll"

// canaryAfterEscalation is the IT agent who escalated a ticket and comes back
// for it (issue 16, item 5): subject, description, internal note, tag and a
// custom field carry canaries, and none of them may be left in standard.
func canaryAfterEscalation(t *testing.T, r *rig) {
	x := newTicketText()
	e := r.escalate(t, x)
	r.settle(t)
	stub := r.stdAdmin.ticket(t, e.stub)
	assert.Equal(t, neutralSubject, stub["subject"], "stub %d's subject", e.stub)
	requester := r.stdAdmin.must(t, "GET", fmt.Sprintf("/users/%v.json", stub["requester_id"]), nil)["user"].(map[string]any)
	assert.Equal(t, "jo.requester@example.com", requester["email"], "the stub names the requester, for phone support")
	r.assertGoneFromFiles(t, x.canaries(), 30*time.Second)
	r.assertGoneFromAPI(t, x.canaries(), e)
	r.assertGoneFromUI(t, x.canaries(), e)
	secure := r.secAdmin.ticket(t, e.secure)
	assert.Contains(t, fmt.Sprint(secure["subject"]), x.subject, "the secure ticket keeps the subject")
	r.noteFlows(t, e)
}

// assertGoneFromFiles waits up to limit until no file of standard's data dir
// holds a canary's tail, then checks its log.
func (r *rig) assertGoneFromFiles(t *testing.T, canaries []string, limit time.Duration) {
	t.Helper()
	var left []string
	eventually(t, limit, "canaries gone from standard's files", func() bool {
		left = nil
		for _, c := range canaries {
			for _, f := range canarytest.FilesContaining(t, r.stdData, tail(c)) {
				left = append(left, c+" in "+f)
			}
		}
		return len(left) == 0
	})
	assert.Empty(t, left, "canaries still in standard's data %s after %s", r.stdData, limit)
	log, err := os.ReadFile(r.std.LogPath)
	require.NoError(t, err)
	for _, c := range canaries {
		assert.NotContains(t, string(log), tail(c), "standard's log holds %s", c)
	}
}

// assertGoneFromAPI reads what an IT admin can read about the escalation:
// search, tickets, the stub's comments and audits, the original's tombstone,
// deleted tickets, the report and every webhook's delivery log.
func (r *rig) assertGoneFromAPI(t *testing.T, canaries []string, e escalated) {
	pages := map[string]string{}
	get := func(path string) {
		res := r.stdAdmin.do(t, "GET", path, nil)
		require.Contains(t, []int{200, 404}, res.code, "GET %s: %s", path, res)
		pages[path] = string(res.raw)
	}
	for _, c := range canaries {
		get("/search.json?query=" + c)
	}
	for _, p := range []string{"/tickets.json?per_page=100", "/search.json?query=type:ticket&per_page=100",
		fmt.Sprintf("/tickets/%d.json", e.stub), fmt.Sprintf("/tickets/%d/comments.json", e.stub), fmt.Sprintf("/tickets/%d/audits.json", e.stub),
		fmt.Sprintf("/tickets/%d.json", e.orig), "/deleted_tickets.json", "/twindesk/reports/escalations", "/twindesk/reports/escalations.csv"} {
		get(p)
	}
	for _, h := range r.stdAdmin.list(t, "/webhooks", "webhooks") {
		get(fmt.Sprintf("/webhooks/%v/invocations", h["id"]))
	}
	assertNoCanary(t, pages, canaries)
}

// assertGoneFromUI reads the agent UI's views, search, stub, tombstone and
// report as the IT agent, and the webhook logs as the IT admin.
func (r *rig) assertGoneFromUI(t *testing.T, canaries []string, e escalated) {
	pages := map[string]string{}
	agent := newBrowser(r.std.URL())
	agent.login(t, r.itAgent.email, password)
	paths := []string{"/views/mine", "/views/unassigned", "/views/open", "/views/recent", "/reports/escalations",
		fmt.Sprintf("/tickets/%d", e.stub)}
	for _, p := range paths {
		pages["agent "+p] = agent.page(t, p)
	}
	for _, c := range canaries {
		assertSearchFindsNothing(t, agent, c)
	}
	_, pages["agent tombstone"] = agent.do(t, "GET", fmt.Sprintf("/tickets/%d", e.orig), nil)
	admin := newBrowser(r.std.URL())
	admin.login(t, r.stdAdmin.email, password)
	for _, h := range r.stdAdmin.list(t, "/webhooks", "webhooks") {
		p := fmt.Sprintf("/admin/webhooks/%v", h["id"])
		pages["admin "+p] = admin.page(t, p)
	}
	assertNoCanary(t, pages, canaries)
}

// assertSearchFindsNothing compares the UI's search page for c with the page
// for a word nobody wrote: the page echoes the query, so it may show c, but it
// must find nothing.
func assertSearchFindsNothing(t *testing.T, b *browser, c string) {
	t.Helper()
	fresh := canary(c[:len(c)-20])
	got := strings.ReplaceAll(b.page(t, "/search?q="+c), c, "QUERY")
	want := strings.ReplaceAll(b.page(t, "/search?q="+fresh), fresh, "QUERY")
	assert.Equal(t, want, got, "the UI's search for %s finds something", c)
}

func assertNoCanary(t *testing.T, pages map[string]string, canaries []string) {
	t.Helper()
	for where, body := range pages {
		for _, c := range canaries {
			assert.False(t, strings.Contains(body, tail(c)), "%s shows %s", where, c)
		}
	}
}

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

package escalation_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEscalateFiveMegabyteConversation: a conversation far over the API's general
// 1 MiB body limit escalates end to end (issue 16, item 7: at 1.2 MB the secure
// instance answered 413, the chain failed for good and the ticket stayed stuck).
// The secure ticket must hold every comment and the original must be purged.
func TestEscalateFiveMegabyteConversation(t *testing.T) {
	if testing.Short() {
		t.Skip("escalates 5 MB")
	}
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	first := canary(t, "FIRST")
	orig := createOriginal(t, it, first)
	const comments, size = 200, 25 << 10
	marks := make([]string, comments)
	filler := strings.Repeat("salary history line ", size/20)
	for i := range marks {
		marks[i] = canary(t, fmt.Sprintf("C%03d", i))
		it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
			"comment": map[string]any{"body": marks[i] + "\n" + filler, "public": false},
		}})
	}
	moved := time.Now()
	tw.moveToPseudo(t, it, orig)
	t.Cleanup(func() {
		if t.Failed() {
			tw.dumpDeliveries(t)
		}
	})
	e := tw.waitLinked(t, orig, first, 60*time.Second)
	t.Logf("escalated and linked %s after the move", time.Since(moved))

	all := commentsText(t, tw.secAdmin, e.secureID)
	require.Greater(t, len(all), comments*size, "the secure ticket holds the whole conversation")
	for _, m := range marks {
		require.Contains(t, all, m)
	}
	code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/tickets/%d.json", orig), nil)
	require.Equal(t, http.StatusNotFound, code)
	code, _ = tw.stdAdmin.call("GET", "/deleted_tickets.json", nil)
	require.Equal(t, http.StatusOK, code)
	eventually(t, "the original purged, not only soft-deleted", func() bool {
		_, out := tw.stdAdmin.call("GET", "/deleted_tickets.json", nil)
		list, _ := out["deleted_tickets"].([]any)
		for _, d := range list {
			if int64(d.(map[string]any)["id"].(float64)) == orig {
				return false
			}
		}
		return out != nil
	})
}

// commentsText is the text of every comment of a ticket, all pages.
func commentsText(t *testing.T, a api, id int64) string {
	var b strings.Builder
	path := fmt.Sprintf("/tickets/%d/comments.json?per_page=100", id)
	for path != "" {
		out := a.must("GET", path, nil)
		for _, c := range out["comments"].([]any) {
			b.WriteString(c.(map[string]any)["body"].(string))
		}
		next, _ := out["next_page"].(string)
		path = ""
		if next != "" {
			path = next[strings.Index(next, "/api/v2")+len("/api/v2"):]
		}
	}
	return b.String()
}

// dumpDeliveries logs every webhook invocation of both instances, to see where a
// failed escalation stopped.
func (tw *twin) dumpDeliveries(t *testing.T) {
	for _, a := range []api{tw.stdAdmin, tw.secAdmin} {
		out := a.must("GET", "/webhooks.json", nil)
		for _, w := range out["webhooks"].([]any) {
			w := w.(map[string]any)
			inv := a.must("GET", fmt.Sprintf("/webhooks/%v/invocations.json", w["id"]), nil)
			t.Logf("%s %v: %v", a.base, w["name"], inv["invocations"])
		}
	}
}

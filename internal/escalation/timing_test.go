package escalation_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestEscalationTimeTwentyCommentsTwoFiles measures the escalation of a ticket
// with 20 comments and 2 files (a 2 MB PDF and a PNG): from the move to the
// pseudo group until the original is gone, the secure ticket has every comment
// and both ids are linked (docs/benchmarks.md).
func TestEscalationTimeTwentyCommentsTwoFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("a measurement")
	}
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	zc := zendeskClient(t, it)
	var took []time.Duration
	for round := range 5 {
		c := canary(t, "TIMING")
		orig := ticketID(it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Payslip",
			"comment":   map[string]any{"body": "comment 1 " + c},
			"requester": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"}}}))
		w := zc.UploadAttachment(tw.ctx, "payslip.pdf", "")
		_, err := w.Write(canaryPDF(t, c))
		require.NoError(t, err)
		up, err := w.Close()
		require.NoError(t, err)
		w = zc.UploadAttachment(tw.ctx, "scan.png", up.Token)
		_, err = w.Write(canaryPNG(t, c))
		require.NoError(t, err)
		_, err = w.Close()
		require.NoError(t, err)
		for i := 2; i <= 20; i++ {
			comment := map[string]any{"body": fmt.Sprintf("comment %d %s", i, c), "public": i%2 == 0}
			if i == 10 {
				comment["uploads"] = []string{up.Token}
			}
			it.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{"comment": comment}})
		}
		start := time.Now()
		tw.moveToPseudo(t, it, orig)
		e := tw.waitLinked(t, orig, "comment 20 "+c, 30*time.Second)
		took = append(took, time.Since(start))
		require.Len(t, commentList(t, tw.secAdmin, e.secureID), 20, "round %d", round)
	}
	slices.Sort(took)
	t.Logf("escalation of 20 comments and 2 files (2 MB): median %s, min %s, max %s over %d", took[len(took)/2], took[0], took[len(took)-1], len(took))
}

package adversarial

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noteWhileSecureDown: an IT agent escalates while secure is down and adds a
// note before the escalation completes. The note reaches the secure ticket or
// is refused with a 422 the agent can read; it is never lost with the purge.
func noteWhileSecureDown(t *testing.T, r *rig) {
	require.True(t, r.sec.Stop(10*time.Second), "secure stops on SIGTERM")
	up := false
	defer func() {
		if !up {
			require.NoError(t, r.sec.Start())
		}
	}()
	x := newTicketText()
	e := escalated{orig: r.startEscalation(t, x)}
	time.Sleep(time.Second) // the forward is tried and waits for secure
	note := canary("midnote")
	res := r.itAgent.do(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.orig), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Also: " + note, "public": false}}})
	require.NoError(t, r.sec.Start())
	up = true
	r.waitLinked(t, &e, x.description, 60*time.Second)
	switch res.code {
	case http.StatusUnprocessableEntity:
		t.Logf("the note was refused: %s", res)
		assert.Contains(t, string(res.raw), "escalat", "the refusal says why")
	case http.StatusOK:
		ok := eventually(t, 30*time.Second, "note on the secure ticket", func() bool {
			return bytes.Contains(r.secAdmin.do(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", e.secure), nil).raw, []byte(note))
		})
		assert.True(t, ok, "a note accepted during the escalation never reached secure ticket %d", e.secure)
	default:
		t.Errorf("a note during the escalation: want 200 or 422, got %s", res)
	}
	r.assertGoneFromFiles(t, append(x.canaries(), note), 30*time.Second)
	r.noteFlows(t, e)
}

package instance_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

type failedChains struct {
	FailedChains []struct {
		ChainID      string `json:"chain_id"`
		Error        string `json:"error"`
		StatusCode   int    `json:"status_code"`
		StepsNotSent int    `json:"steps_not_sent"`
		TriggerTitle string `json:"trigger_title"`
	} `json:"failed_chains"`
}

// TestFailedChainIsShownAndRetried: a chain whose first step is refused for good
// (as secure's 413 refused an escalation) is listed with its reason, and a retry
// sends it again from the failed step, with the later step after it (issue 16,
// item 7). A retry with nothing failed is a 422; an end user gets a 403.
func TestFailedChainIsShownAndRetried(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		var accept atomic.Bool
		first, second := newReceiver(t), newReceiver(t)
		first.setAnswer(func(int, []byte) int {
			if accept.Load() {
				return http.StatusOK
			}
			return http.StatusRequestEntityTooLarge
		})
		wh1, wh2 := n.webhook(first.URL()), n.webhook(second.URL())
		n.onCreate(wh1, wh2)
		id := itoa(n.ticket("too large"))
		path := "/api/v2/twindesk/tickets/" + id + "/escalation"

		waitFor(t, 10*time.Second, "the chain to fail", func() bool {
			inv := n.invocations(wh2)
			return len(inv) == 1 && inv[0].State == model.DeliveryFailed
		})
		var got failedChains
		n.must(http.StatusOK, "GET", path, nil, &got)
		if len(got.FailedChains) != 1 || got.FailedChains[0].StatusCode != 413 ||
			!strings.Contains(got.FailedChains[0].Error, "answered 413") || got.FailedChains[0].StepsNotSent != 1 {
			t.Fatalf("failed chains: %+v, want one refused with 413 and one step not sent", got)
		}

		email := "eve@example.com"
		n.must(http.StatusCreated, "POST", "/api/v2/users", map[string]any{"user": map[string]any{
			"name": "Eve", "email": email, "role": "end-user"}}, nil)
		tok, err := n.In.Desk.CreateToken(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		eve := *n
		eve.token = tok
		if status, _ := eve.do("POST", path+"/retry", nil, nil, nil); status != http.StatusForbidden {
			t.Errorf("an end user's retry: %d, want 403", status)
		}

		// Changed after the failure: the retry must send the ticket as it is now.
		n.must(http.StatusOK, "PUT", "/api/v2/tickets/"+id, map[string]any{"ticket": map[string]any{
			"subject": "changed after the failure"}}, nil)
		accept.Store(true)
		var retried struct {
			RetriedChains int `json:"retried_chains"`
		}
		n.must(http.StatusOK, "POST", path+"/retry", nil, &retried)
		if retried.RetriedChains != 1 {
			t.Fatalf("retried %d chains, want 1", retried.RetriedChains)
		}
		waitFor(t, 10*time.Second, "both steps delivered after the retry", func() bool {
			return len(first.ok()) == 1 && len(second.ok()) == 1
		})
		for _, r := range append(first.ok(), second.ok()...) {
			if !strings.Contains(string(r.Body), "changed after the failure") {
				t.Errorf("a retried step sent the body rendered before the change: %s", r.Body)
			}
		}
		n.must(http.StatusOK, "GET", path, nil, &got)
		if len(got.FailedChains) != 0 {
			t.Errorf("failed chains after the retry: %+v", got)
		}
		if status, _ := n.do("POST", path+"/retry", nil, nil, nil); status != http.StatusUnprocessableEntity {
			t.Errorf("a retry with nothing failed: %d, want 422", status)
		}
	})
}

package instance_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// These tests run a real instance (real database, River queue, HTTP server) against
// a real HTTP receiver, as issue 4's checks ask. Backoff starts at 1 s, so most
// take a few seconds; the outage test takes about 32 s.

// eachBackend runs f as a parallel subtest per backend.
func eachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			f(t, b)
		})
	}
}

// sameKey checks that every request carried one Idempotency-Key and invocation id.
func sameKey(t *testing.T, reqs []received) string {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("no requests")
	}
	key := reqs[0].Header.Get("Idempotency-Key")
	if key == "" {
		t.Fatal("request without Idempotency-Key")
	}
	for i, r := range reqs {
		if got := r.Header.Get("Idempotency-Key"); got != key {
			t.Errorf("request %d: Idempotency-Key %q, want %q (same across retries)", i+1, got, key)
		}
		if got := r.Header.Get("X-Zendesk-Webhook-Invocation-Id"); got != key {
			t.Errorf("request %d: invocation id %q, want %q", i+1, got, key)
		}
	}
	return key
}

func TestDeliveryRetriesUntilSuccess(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		rcv := newReceiver(t)
		rcv.setAnswer(func(n int, _ []byte) int {
			if n <= 3 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		wh := n.webhook(rcv.URL())
		n.onCreate(wh)
		n.ticket("retry me")

		waitFor(t, 30*time.Second, "a successful delivery", func() bool { return len(rcv.ok()) == 1 })
		time.Sleep(1500 * time.Millisecond) // a duplicate would show up by now
		reqs := rcv.all()
		if len(reqs) != 4 || len(rcv.ok()) != 1 {
			t.Fatalf("receiver got %d requests (%d successful), want 4 (1 successful)", len(reqs), len(rcv.ok()))
		}
		key := sameKey(t, reqs)
		for i := 1; i < len(reqs); i++ {
			// Backoff starts at 1 s with ±20% jitter; a hot retry loop would be far faster.
			if gap := reqs[i].At.Sub(reqs[i-1].At); gap < 700*time.Millisecond {
				t.Errorf("attempt %d came %s after the previous one; want a backoff of about 1 s or more", i+1, gap)
			}
		}
		inv := n.invocations(wh)
		if len(inv) != 1 {
			t.Fatalf("invocations: %+v, want one", inv)
		}
		if got := inv[0]; got.ID != key || got.State != "delivered" || got.Attempts != 4 || got.StatusCode != 200 || got.Error != nil {
			t.Errorf("invocation %+v, want id %s delivered after 4 attempts with 200 and no error", got, key)
		}
	})
}

func TestDeliveryPermanentFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		rcv := newReceiver(t)
		rcv.setAnswer(func(int, []byte) int { return http.StatusBadRequest })
		wh := n.webhook(rcv.URL())
		n.onCreate(wh, wh) // a chain of two steps to the same webhook
		n.ticket("bad request")

		waitFor(t, 10*time.Second, "step 1 to fail", func() bool {
			for _, inv := range n.invocations(wh) {
				if inv.Step == 0 && inv.State == "failed" {
					return true
				}
			}
			return false
		})
		time.Sleep(2500 * time.Millisecond) // a retry would have come after about 1 s
		reqs := rcv.all()
		if len(reqs) != 1 || step(t, reqs[0].Body) != 1 {
			t.Fatalf("receiver got %d requests, want exactly one (step 1, no retry, no step 2)", len(reqs))
		}
		inv := n.invocations(wh)
		if len(inv) != 2 {
			t.Fatalf("invocations: %+v, want two", inv)
		}
		for _, got := range inv {
			switch got.Step {
			case 0:
				if got.State != "failed" || got.Attempts != 1 || got.StatusCode != 400 || got.Error == nil {
					t.Errorf("step 1: %+v, want failed after 1 attempt with 400 and an error", got)
				}
			case 1:
				if got.State != "failed" || got.Attempts != 0 || got.Error == nil {
					t.Errorf("step 2: %+v, want failed without an attempt, with the reason", got)
				}
			}
		}
	})
}

func TestDeliveryChainWaitsForEachStep(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		rcv := newReceiver(t)
		rcv.setAnswer(func(n int, body []byte) int {
			if step(t, body) == 1 && n <= 2 {
				return http.StatusBadGateway
			}
			return http.StatusOK
		})
		first, second := n.webhook(rcv.URL()), n.webhook(rcv.URL()+"?second")
		n.onCreate(first, second)
		n.ticket("chain")

		waitFor(t, 20*time.Second, "both steps", func() bool { return len(rcv.ok()) == 2 })
		time.Sleep(time.Second)
		reqs := rcv.all()
		var steps []int
		for _, r := range reqs {
			steps = append(steps, step(t, r.Body))
		}
		if fmt.Sprint(steps) != "[1 1 1 2]" {
			t.Fatalf("arrival order of steps %v, want [1 1 1 2]: step 2 only after step 1 succeeded, once", steps)
		}
		if reqs[3].At.Before(reqs[2].At) || reqs[2].Status != 200 {
			t.Errorf("step 2 arrived at %s, before step 1 succeeded at %s", reqs[3].At, reqs[2].At)
		}
		if reqs[2].Header.Get("X-Zendesk-Webhook-Id") != first || reqs[3].Header.Get("X-Zendesk-Webhook-Id") != second {
			t.Errorf("steps went to the wrong webhooks")
		}
		if inv := n.invocations(second); len(inv) != 1 || inv[0].State != "delivered" || inv[0].Attempts != 1 {
			t.Errorf("step 2 invocation %+v, want delivered in 1 attempt", inv)
		}
	})
}

func TestDeliverySurvivesRestart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		t.Run("stopped between commit and delivery", func(t *testing.T) {
			dep := newDeployment(t, b)
			rcv := newReceiver(t)
			n := dep.open(false) // API only: the queue is not working jobs
			wh := n.webhook(rcv.URL())
			n.onCreate(wh)
			n.ticket("committed, not delivered")
			time.Sleep(300 * time.Millisecond)
			n.stop()
			if got := len(rcv.all()); got != 0 {
				t.Fatalf("receiver got %d requests before the queue ran", got)
			}

			n = dep.open(true)
			waitFor(t, 10*time.Second, "the delivery after restart", func() bool { return len(rcv.ok()) == 1 })
			time.Sleep(1500 * time.Millisecond)
			if got := len(rcv.all()); got != 1 {
				t.Fatalf("receiver got %d requests, want exactly one", got)
			}
			if inv := n.invocations(wh); len(inv) != 1 || inv[0].State != "delivered" || inv[0].Attempts != 1 {
				t.Errorf("invocations %+v, want one delivered in 1 attempt", inv)
			}
		})
		t.Run("stopped while retrying", func(t *testing.T) {
			dep := newDeployment(t, b)
			rcv := newReceiver(t)
			rcv.setAnswer(func(int, []byte) int { return http.StatusServiceUnavailable })
			n := dep.open(true)
			wh := n.webhook(rcv.URL())
			n.onCreate(wh)
			n.ticket("retrying across a restart")
			waitFor(t, 10*time.Second, "two failed attempts", func() bool { return len(rcv.all()) >= 2 })
			n.stop()
			failed := len(rcv.all())
			rcv.setAnswer(nil)

			n = dep.open(true)
			waitFor(t, 20*time.Second, "the delivery after restart", func() bool { return len(rcv.ok()) == 1 })
			time.Sleep(1500 * time.Millisecond)
			reqs := rcv.all()
			if len(rcv.ok()) != 1 || len(reqs) != failed+1 {
				t.Fatalf("receiver got %d requests (%d ok), want %d failed then one success", len(reqs), len(rcv.ok()), failed)
			}
			sameKey(t, reqs)
			if inv := n.invocations(wh); len(inv) != 1 || inv[0].State != "delivered" || inv[0].Attempts != failed+1 {
				t.Errorf("invocations %+v, want one delivered after %d attempts", inv, failed+1)
			}
		})
	})
}

// TestDeliveryInFlightAtShutdown stops the server while the receiver is still
// answering a delivery: a graceful stop lets the attempt finish and records it,
// so the restarted server doesn't send it again.
func TestDeliveryInFlightAtShutdown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		dep := newDeployment(t, b)
		rcv := newReceiver(t)
		arrived := make(chan struct{}, 1)
		rcv.slow = func() {
			arrived <- struct{}{}
			time.Sleep(time.Second)
		}
		n := dep.open(true)
		wh := n.webhook(rcv.URL())
		n.onCreate(wh)
		n.ticket("in flight at shutdown")
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the delivery never arrived")
		}
		n.stop()

		n = dep.open(true)
		time.Sleep(2500 * time.Millisecond) // a retry after restart would come within ~1 s
		if got := len(rcv.all()); got != 1 {
			t.Errorf("receiver got %d requests, want 1: shutdown cut off a delivery the receiver had accepted", got)
		}
		if inv := n.invocations(wh); len(inv) != 1 || inv[0].State != "delivered" || inv[0].Attempts != 1 {
			t.Errorf("invocations %+v, want one delivered in 1 attempt", inv)
		}
	})
}

// TestDeliveryAfterOutage takes the receiver down for 30 s. The deliveries made
// meanwhile wait with backoff; when the endpoint answers again (here: a new
// delivery succeeds) the waiting ones are retried at once, not at their next
// backoff step. The two made 12 s into the outage have their next step at about
// 43 s (12 + 1+2+4+8+16, ±20%), so their arrival within a few seconds of the
// receiver's return at 30 s shows that kick.
func TestDeliveryAfterOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("30 s outage; skipped with -short")
	}
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		rcv := newReceiver(t)
		wh := n.webhook(rcv.URL())
		n.onCreate(wh)
		rcv.down()
		downAt := time.Now()
		waiting := []int64{n.ticket("at the start of the outage")}
		time.Sleep(12*time.Second - time.Since(downAt))
		waiting = append(waiting, n.ticket("12 s into the outage"), n.ticket("12 s into the outage, too"))
		waitFor(t, 10*time.Second, "the deliveries to be retrying", func() bool {
			inv := n.invocations(wh)
			return len(inv) == 3 && inv[0].State == "retrying" && inv[1].State == "retrying" && inv[2].State == "retrying"
		})
		if got := len(rcv.ok()); got != 0 {
			t.Fatalf("%d deliveries during the outage", got)
		}
		time.Sleep(30*time.Second - time.Since(downAt))
		rcv.up(t)
		upAt := time.Now()
		after := n.ticket("after outage")

		waitFor(t, 5*time.Second, "all four deliveries", func() bool { return len(rcv.ok()) == 4 })
		t.Logf("all delivered %s after the receiver came back", time.Since(upAt))
		time.Sleep(time.Second)
		got := map[string]int{}
		for _, r := range rcv.all() {
			got[ticketOf(t, r.Body)]++
		}
		for _, id := range append(waiting, after) {
			if c := got[strconv.FormatInt(id, 10)]; c != 1 {
				t.Errorf("ticket %d delivered %d times, want once", id, c)
			}
		}
		for _, inv := range n.invocations(wh) {
			if inv.State != "delivered" {
				t.Errorf("invocation %+v not delivered", inv)
			}
		}
	})
}

func TestDeliverySignature(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	rcv := newReceiver(t)
	wh := n.webhook(rcv.URL())
	n.onCreate(wh)
	n.ticket(`quotes " and \ backslashes`)
	waitFor(t, 10*time.Second, "the delivery", func() bool { return len(rcv.ok()) == 1 })

	var secret struct {
		SigningSecret struct{ Algorithm, Secret string } `json:"signing_secret"`
	}
	n.must(http.StatusOK, "GET", "/api/v2/webhooks/"+wh+"/signing_secret", nil, &secret)
	if secret.SigningSecret.Algorithm != "sha256" || secret.SigningSecret.Secret == "" {
		t.Fatalf("signing secret %+v", secret)
	}
	r := rcv.ok()[0]
	stamp := r.Header.Get("X-Zendesk-Webhook-Signature-Timestamp")
	if _, err := time.Parse(time.RFC3339, stamp); err != nil {
		t.Errorf("timestamp %q is not RFC 3339: %v", stamp, err)
	}
	mac := hmac.New(sha256.New, []byte(secret.SigningSecret.Secret))
	mac.Write([]byte(stamp))
	mac.Write(r.Body)
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Zendesk-Webhook-Signature") != want {
		t.Errorf("signature %q, want %q", r.Header.Get("X-Zendesk-Webhook-Signature"), want)
	}
	if r.Header.Get("X-Zendesk-Webhook-Id") != wh || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", r.Header)
	}
	if got := ticketOf(t, r.Body); got == "" {
		t.Errorf("body %s has no ticket id", r.Body)
	}

	// After a reset the old secret no longer verifies and the new one does.
	var reset struct {
		SigningSecret struct{ Secret string } `json:"signing_secret"`
	}
	n.must(http.StatusOK, "POST", "/api/v2/webhooks/"+wh+"/signing_secret", nil, &reset)
	if reset.SigningSecret.Secret == secret.SigningSecret.Secret || reset.SigningSecret.Secret == "" {
		t.Errorf("reset kept the secret")
	}
}

func TestTicketCreateIdempotencyKey(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		create := func(key string) (int64, http.Header) {
			var out struct{ Ticket struct{ ID int64 } }
			status, hdr := n.do("POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{
				"subject": "idempotent", "comment": map[string]any{"body": "once"}}},
				http.Header{"Idempotency-Key": {key}}, &out)
			if status != http.StatusCreated {
				t.Errorf("create with key %s: %d", key, status)
			}
			return out.Ticket.ID, hdr
		}
		count := func() int {
			var out struct{ Count struct{ Value int } }
			n.must(http.StatusOK, "GET", "/api/v2/tickets/count.json", nil, &out)
			return out.Count.Value
		}
		first, hdr := create("key-1")
		if hdr.Get("Idempotent-Replayed") != "" {
			t.Errorf("first create marked as replayed")
		}
		again, hdr := create("key-1")
		if again != first || hdr.Get("Idempotent-Replayed") != "true" {
			t.Errorf("same key: ticket %d (replayed %q), want %d replayed", again, hdr.Get("Idempotent-Replayed"), first)
		}
		if other, _ := create("key-2"); other == first {
			t.Errorf("another key returned the same ticket")
		}
		if c := count(); c != 2 {
			t.Errorf("%d tickets, want 2", c)
		}

		// A retry racing the first request (a webhook timing out while the first
		// request is still being handled) must not create a second ticket either.
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Go(func() { ids[i], _ = create("key-race") })
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Errorf("concurrent creates with one key returned tickets %v", ids)
				break
			}
		}
		if c := count(); c != 3 {
			t.Errorf("%d tickets after concurrent creates with one key, want 3", c)
		}
	})
}

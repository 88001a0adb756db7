package jobs

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/webhook"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

var (
	answered = webhook.Outcome{StatusCode: http.StatusInternalServerError, Err: errors.New("answered 500"), Retryable: true}
	hung     = webhook.Outcome{Err: context.DeadlineExceeded, Retryable: true}
	refused  = webhook.Outcome{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}, Retryable: true}
)

// TestEndpointsBoundInFlight: a host gets at most maxInFlight requests at once.
// While they are quick a further one waits in the worker for a slot; once they
// are slow it is told to wait (snooze) at once. Other hosts are not affected.
func TestEndpointsBoundInFlight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	e := newEndpoints(2)
	e.now = clock.now
	var slots []uint64
	for i := 0; i < 2; i++ {
		slot, w, _ := e.acquire(ctx, "slow:80")
		if slot == 0 {
			t.Fatalf("request %d waits %s, want a slot", i+1, w)
		}
		slots = append(slots, slot)
	}
	// Quick so far: the third waits for a slot, and gets the one released.
	go func() { time.Sleep(20 * time.Millisecond); e.release("slow:80", slots[0], answered, true) }()
	if slot, w, _ := e.acquire(ctx, "slow:80"); slot == 0 {
		t.Fatalf("a request to a busy but quick host waits %s, want the slot freed meanwhile", w)
	} else {
		slots[0] = slot
	}
	// Slow now: no waiting in the worker.
	clock.t = clock.t.Add(slowAfter)
	start := time.Now()
	if slot, w, broken := e.acquire(ctx, "slow:80"); slot != 0 || broken || w < busySnooze || w >= 2*busySnooze {
		t.Fatalf("a request to a busy slow host: slot %d, wait %s, broken %v; want a wait in [%s, %s)", slot, w, broken, busySnooze, 2*busySnooze)
	}
	if took := time.Since(start); took > slotWait/2 {
		t.Fatalf("acquire for a slow host blocked %s", took)
	}
	if slot, w, _ := e.acquire(ctx, "other:80"); slot == 0 {
		t.Fatalf("another host waits %s behind the slow one", w)
	}
}

// TestEndpointsBreaker: breakerThreshold attempts without an answer open the
// breaker for a cooldown that doubles per failed trial; after it one trial goes,
// and an answer (any status) closes it.
func TestEndpointsBreaker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	e := newEndpoints(2)
	e.now = clock.now
	fail := func(out webhook.Outcome) {
		t.Helper()
		slot, w, _ := e.acquire(ctx, "h:80")
		if slot == 0 {
			t.Fatalf("no slot: waits %s", w)
		}
		e.release("h:80", slot, out, true)
	}
	for i := 0; i < breakerThreshold; i++ {
		fail(hung)
	}
	if slot, w, broken := e.acquire(ctx, "h:80"); slot != 0 || !broken || w < breakerCooldown {
		t.Fatalf("open breaker: slot %d, wait %s, broken %v; want a wait of at least %s", slot, w, broken, breakerCooldown)
	}
	clock.t = clock.t.Add(breakerCooldown)
	trial, w, _ := e.acquire(ctx, "h:80")
	if trial == 0 {
		t.Fatalf("half-open breaker: the trial waits %s", w)
	}
	if slot, _, _ := e.acquire(ctx, "h:80"); slot != 0 {
		t.Fatal("half-open breaker let a second request go during the trial")
	}
	e.release("h:80", trial, hung, true)
	if _, w, _ := e.acquire(ctx, "h:80"); w < 2*breakerCooldown {
		t.Fatalf("after a failed trial: waits %s, want the cooldown doubled (%s)", w, 2*breakerCooldown)
	}
	if e.connected("h:80") {
		t.Fatal("a TCP connect ended the cooldown of a host whose requests hang")
	}
	clock.t = clock.t.Add(2 * breakerCooldown)
	fail(answered)
	for i := 0; i < 2; i++ {
		if slot, w, _ := e.acquire(ctx, "h:80"); slot == 0 {
			t.Fatalf("after an answer the breaker is still open: waits %s", w)
		}
	}
}

// TestEndpointsBreakerRefused: for a host that refused connections, the prober's
// successful connect ends the cooldown at once.
func TestEndpointsBreakerRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEndpoints(2)
	for i := 0; i < breakerThreshold; i++ {
		slot, _, _ := e.acquire(ctx, "h:80")
		e.release("h:80", slot, refused, true)
	}
	if slot, _, _ := e.acquire(ctx, "h:80"); !e.open("h:80") || slot != 0 {
		t.Fatal("breaker not open after refused connections")
	}
	if !e.connected("h:80") {
		t.Fatal("connect of a host that refused connections did not allow a trial")
	}
	if slot, w, _ := e.acquire(ctx, "h:80"); slot == 0 {
		t.Fatalf("trial after a connect waits %s", w)
	}
}

// TestAttemptErrorNamesOnlyTheOrigin: the error kept in last_error, River's job
// errors and the log names the endpoint's scheme and host only: a URL rendered
// from ticket data carries that data in its path and query.
func TestAttemptErrorNamesOnlyTheOrigin(t *testing.T) {
	t.Parallel()
	const secret = "CANARY-7f3a"
	raw := "http://user:pw@127.0.0.1:1/api/v2/tickets/" + secret + ".json?note=" + secret
	policy, err := webhook.NewPolicy(webhook.PolicyConfig{Allow: []string{"127.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	s := webhook.NewSender(policy)
	if out := s.Send(context.Background(), webhook.Request{Method: "post", URL: raw}); !strings.Contains(out.Err.Error(), secret) {
		t.Logf("the sender's own error no longer carries the path (%q): attemptError is a second guard", out.Err)
	}
	for _, req := range []webhook.Request{
		{Method: "post", URL: raw},                     // connection refused
		{Method: "post", URL: "ftp://h/" + secret},     // bad scheme
		{Method: "post", URL: "http://h/%zz" + secret}, // unparsable
	} {
		out := s.Send(context.Background(), req)
		if out.Err == nil {
			t.Fatalf("%s: no error", req.URL)
		}
		got := attemptError(req, out).Error()
		if strings.Contains(got, secret) || strings.Contains(got, "pw") {
			t.Errorf("%s: error %q carries the URL's path, query or credentials", req.URL, got)
		}
	}
	got := attemptError(webhook.Request{Method: "PUT", URL: raw}, answered).Error()
	if want := "webhook: PUT http://127.0.0.1:1 answered 500"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

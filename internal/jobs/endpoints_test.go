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

func first(d time.Duration, _ bool) time.Duration { return d }

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

var (
	answered = webhook.Outcome{StatusCode: http.StatusInternalServerError, Err: errors.New("answered 500"), Retryable: true}
	hung     = webhook.Outcome{Err: context.DeadlineExceeded, Retryable: true}
	refused  = webhook.Outcome{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}, Retryable: true}
)

// TestEndpointsBoundInFlight: a host gets at most maxInFlightPerHost requests at
// once; the rest wait, and other hosts are not affected.
func TestEndpointsBoundInFlight(t *testing.T) {
	t.Parallel()
	e := newEndpoints()
	for i := 0; i < maxInFlightPerHost; i++ {
		if w, _ := e.acquire("slow:80"); w != 0 {
			t.Fatalf("request %d waits %s, want a slot", i+1, w)
		}
	}
	if w, _ := e.acquire("slow:80"); w < busySnooze || w >= 2*busySnooze {
		t.Fatalf("a third request waits %s, want [%s, %s)", w, busySnooze, 2*busySnooze)
	}
	if w, _ := e.acquire("other:80"); w != 0 {
		t.Fatalf("another host waits %s behind the slow one", w)
	}
	e.release("slow:80", answered, true)
	if w, _ := e.acquire("slow:80"); w != 0 {
		t.Fatalf("after a release the host waits %s", w)
	}
}

// TestEndpointsBreaker: breakerThreshold attempts without an answer open the
// breaker for a cooldown that doubles per failed trial; after it one trial goes,
// and an answer (any status) closes it.
func TestEndpointsBreaker(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	e := newEndpoints()
	e.now = clock.now
	fail := func(out webhook.Outcome) {
		t.Helper()
		if w, _ := e.acquire("h:80"); w != 0 {
			t.Fatalf("no slot: waits %s", w)
		}
		e.release("h:80", out, true)
	}
	for i := 0; i < breakerThreshold; i++ {
		fail(hung)
	}
	if w, _ := e.acquire("h:80"); w < breakerCooldown {
		t.Fatalf("open breaker: waits %s, want at least %s", w, breakerCooldown)
	}
	clock.t = clock.t.Add(breakerCooldown)
	if w, _ := e.acquire("h:80"); w != 0 {
		t.Fatalf("half-open breaker: the trial waits %s", w)
	}
	if w, _ := e.acquire("h:80"); w == 0 {
		t.Fatal("half-open breaker let a second request go during the trial")
	}
	e.release("h:80", hung, true)
	if w, _ := e.acquire("h:80"); w < 2*breakerCooldown {
		t.Fatalf("after a failed trial: waits %s, want the cooldown doubled (%s)", w, 2*breakerCooldown)
	}
	if e.connected("h:80") {
		t.Fatal("a TCP connect ended the cooldown of a host whose requests hang")
	}
	clock.t = clock.t.Add(2 * breakerCooldown)
	fail(answered)
	for i := 0; i < maxInFlightPerHost; i++ {
		if w, _ := e.acquire("h:80"); w != 0 {
			t.Fatalf("after an answer the breaker is still open: waits %s", w)
		}
	}
}

// TestEndpointsBreakerRefused: for a host that refused connections, the prober's
// successful connect ends the cooldown at once.
func TestEndpointsBreakerRefused(t *testing.T) {
	t.Parallel()
	e := newEndpoints()
	for i := 0; i < breakerThreshold; i++ {
		e.acquire("h:80")
		e.release("h:80", refused, true)
	}
	if !e.open("h:80") || first(e.acquire("h:80")) == 0 {
		t.Fatal("breaker not open after refused connections")
	}
	if !e.connected("h:80") {
		t.Fatal("connect of a host that refused connections did not allow a trial")
	}
	if w, _ := e.acquire("h:80"); w != 0 {
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

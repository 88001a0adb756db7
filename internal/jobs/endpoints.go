package jobs

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/webhook"
)

const (
	// maxInFlightPerHost bounds the requests one node sends at once to one endpoint
	// host. Without it, 40 deliveries to an endpoint that never answers took all 8
	// workers for 10 s each, round after round, and every other endpoint's
	// deliveries (escalations included) waited minutes behind them.
	maxInFlightPerHost = 2
	// busySnooze is about how long a delivery waits when its host already has
	// maxInFlightPerHost requests in flight (jittered, so the waiting ones don't
	// all come back in the same instant).
	busySnooze = time.Second
	// breakerThreshold consecutive timeouts or connection failures open a host's
	// breaker: its deliveries then wait without sending until the cooldown ends
	// (or the prober connects, for a host that refused connections) and one trial
	// request answers.
	breakerThreshold = 3
	// breakerCooldown is the first wait of an open breaker; it doubles each time a
	// trial fails, up to maxBackoff.
	breakerCooldown = 5 * time.Second
)

// endpoints holds, per endpoint host (host:port), the requests this node has in
// flight and a circuit breaker. It is per node: with several nodes on PostgreSQL,
// each sends at most maxInFlightPerHost at once to a host.
type endpoints struct {
	mu     sync.Mutex
	now    func() time.Time
	byHost map[string]*endpoint
}

type endpoint struct {
	inFlight int
	// failures counts consecutive attempts that got no HTTP answer.
	failures int
	// trips counts the breaker's openings since the host last answered.
	trips     int
	openUntil time.Time
	// trial is set while the one request of a half-open breaker is in flight.
	trial bool
	// refused is set when the last failure was a failed connection (not a request
	// that hung): then a successful TCP connect by the prober is news.
	refused bool
}

func newEndpoints() *endpoints {
	return &endpoints{now: time.Now, byHost: map[string]*endpoint{}}
}

func (e *endpoints) get(host string) *endpoint {
	ep := e.byHost[host]
	if ep == nil {
		ep = &endpoint{}
		e.byHost[host] = ep
	}
	return ep
}

// acquire reserves a request slot for host. It returns 0 when the request may be
// sent (then release must follow), or how long the delivery should wait; broken
// is set when it waits because the host's breaker is open.
func (e *endpoints) acquire(host string) (wait time.Duration, broken bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.get(host)
	now := e.now()
	switch {
	case now.Before(ep.openUntil):
		return ep.openUntil.Sub(now) + jitter(busySnooze), true
	case ep.failures >= breakerThreshold: // half-open: one trial at a time
		if ep.trial {
			return jitter(busySnooze), true
		}
		ep.trial = true
	case ep.inFlight >= maxInFlightPerHost:
		return jitter(busySnooze), false
	}
	ep.inFlight++
	return 0, false
}

// release frees host's slot and feeds the breaker with the attempt's outcome.
// counted is false for attempts that tell nothing about the host (the node was
// shutting down, the request could not be built).
func (e *endpoints) release(host string, out webhook.Outcome, counted bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.get(host)
	ep.inFlight--
	ep.trial = false
	if !counted {
		return
	}
	if out.StatusCode != 0 { // the host answered, whatever it said
		ep.failures, ep.trips, ep.openUntil, ep.refused = 0, 0, time.Time{}, false
		return
	}
	ep.failures++
	ep.refused = isDialError(out.Err)
	if ep.failures >= breakerThreshold {
		ep.trips++
		ep.openUntil = e.now().Add(cooldown(ep.trips))
	}
}

// open reports whether host's breaker is open (or half-open).
func (e *endpoints) open(host string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.byHost[host]
	return ep != nil && ep.failures >= breakerThreshold
}

// connected tells the breaker that the prober could connect to host. For a host
// that refused connections that ends the cooldown (a trial request may go now);
// for one whose requests hung, connecting proves nothing and changes nothing. It
// reports whether a trial may go now.
func (e *endpoints) connected(host string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.byHost[host]
	if ep == nil || ep.failures < breakerThreshold {
		return true
	}
	if !ep.refused {
		return false
	}
	ep.openUntil = time.Time{}
	return true
}

func cooldown(trips int) time.Duration {
	d := breakerCooldown
	for i := 1; i < trips && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// jitter returns d scaled by a random factor in [1, 2).
func jitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)))
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// hostOf is the host:port a request goes to, "" for a URL that doesn't parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return webhook.HostPort(u)
}

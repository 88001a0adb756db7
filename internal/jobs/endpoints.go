package jobs

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/webhook"
)

const (
	// busySnooze is about how long a delivery waits when its host already has
	// its most requests in flight and they are slow (jittered, so the waiting
	// ones don't all come back in the same instant).
	busySnooze = time.Second
	// slowAfter marks a host as slow: a request to it has been in flight this
	// long. A delivery to a busy host that isn't slow waits up to slotWait in the
	// worker for a slot (a burst to a healthy peer flows on); one to a slow host
	// is snoozed at once, so it doesn't hold a worker.
	slowAfter = 250 * time.Millisecond
	slotWait  = 100 * time.Millisecond
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
// flight and a circuit breaker. Without a bound, 40 deliveries to an endpoint
// that never answers took all 8 workers for 10 s each, round after round, and
// every other endpoint's deliveries (escalations included) waited minutes behind
// them. It is per node: with several nodes on PostgreSQL, each sends at most
// maxInFlight at once to a host.
type endpoints struct {
	mu          sync.Mutex
	now         func() time.Time
	maxInFlight int
	byHost      map[string]*endpoint
	nextSlot    uint64
}

type endpoint struct {
	// inFlight maps each slot in use to the time its request started.
	inFlight map[uint64]time.Time
	// freed is closed (and replaced) when a slot is released.
	freed chan struct{}
	// failures counts consecutive attempts that got no HTTP answer.
	failures int
	// trips counts the breaker's openings since the host last answered.
	trips     int
	openUntil time.Time
	// trial is the slot of the one request of a half-open breaker, 0 for none.
	trial uint64
	// refused is set when the last failure was a failed connection (not a request
	// that hung): then a successful TCP connect by the prober is news.
	refused bool
}

// newEndpoints bounds each host to maxInFlight requests at once (at least 1).
func newEndpoints(maxInFlight int) *endpoints {
	return &endpoints{now: time.Now, maxInFlight: max(1, maxInFlight), byHost: map[string]*endpoint{}}
}

func (e *endpoints) get(host string) *endpoint {
	ep := e.byHost[host]
	if ep == nil {
		ep = &endpoint{inFlight: map[uint64]time.Time{}, freed: make(chan struct{})}
		e.byHost[host] = ep
	}
	return ep
}

// acquire reserves a request slot for host. It returns the slot (then release
// must follow), or 0 and how long the delivery should wait; broken is set when
// it waits because the host's breaker is open.
func (e *endpoints) acquire(ctx context.Context, host string) (slot uint64, wait time.Duration, broken bool) {
	timer := time.NewTimer(slotWait)
	defer timer.Stop()
	for {
		var freed <-chan struct{}
		slot, wait, broken, freed = e.try(host)
		if slot != 0 || freed == nil {
			return slot, wait, broken
		}
		select {
		case <-freed:
		case <-timer.C:
			return 0, wait, false
		case <-ctx.Done():
			return 0, wait, false
		}
	}
}

// try is one attempt of acquire; freed is set when the host is busy but not
// slow, to wait on for a slot.
func (e *endpoints) try(host string) (slot uint64, wait time.Duration, broken bool, freed <-chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.get(host)
	now := e.now()
	half := false
	switch {
	case now.Before(ep.openUntil):
		return 0, ep.openUntil.Sub(now) + jitter(busySnooze), true, nil
	case ep.failures >= breakerThreshold: // half-open: one trial at a time
		if ep.trial != 0 {
			return 0, jitter(busySnooze), true, nil
		}
		half = true
	case len(ep.inFlight) >= e.maxInFlight:
		if ep.slow(now) {
			return 0, jitter(busySnooze), false, nil
		}
		return 0, jitter(busySnooze), false, ep.freed
	}
	e.nextSlot++
	ep.inFlight[e.nextSlot] = now
	if half {
		ep.trial = e.nextSlot
	}
	return e.nextSlot, 0, false, nil
}

// slow reports whether a request to the host has been in flight for slowAfter.
func (ep *endpoint) slow(now time.Time) bool {
	for _, at := range ep.inFlight {
		if now.Sub(at) >= slowAfter {
			return true
		}
	}
	return false
}

// release frees host's slot and feeds the breaker with the attempt's outcome.
// counted is false for attempts that tell nothing about the host (the node was
// shutting down, the request could not be built).
func (e *endpoints) release(host string, slot uint64, out webhook.Outcome, counted bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep := e.get(host)
	delete(ep.inFlight, slot)
	close(ep.freed)
	ep.freed = make(chan struct{})
	if ep.trial == slot {
		ep.trial = 0
	}
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

package jobs

import (
	"sync"
	"time"
)

// kickSpacing is the least time between two kicks of one endpoint's waiting
// deliveries, and kickLimit how many one kick retries. A backlog of N drained
// with a kick after every success rewrote all N jobs N times; spaced and
// bounded, a drain costs a few kicks, each of at most kickLimit jobs (the rest
// retry on their own backoff or at the next kick).
const (
	kickSpacing = 2 * time.Second
	kickLimit   = 500
)

// kicks remembers when each endpoint's waiting deliveries were last kicked.
type kicks struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether endpointRef may be kicked at now, and if so notes it.
func (k *kicks) due(endpointRef string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.last == nil {
		k.last = map[string]time.Time{}
	}
	if at, ok := k.last[endpointRef]; ok && now.Sub(at) < kickSpacing {
		return false
	}
	for ref, at := range k.last { // forget old ones: the map stays as small as the active endpoints
		if now.Sub(at) >= kickSpacing {
			delete(k.last, ref)
		}
	}
	k.last[endpointRef] = now
	return true
}

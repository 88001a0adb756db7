package web

import (
	"slices"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// "Also viewing": the ticket page's collision poll (collision.go) also says
// who polls it. On SQLite (one node) the table is in memory on purpose: it is
// a hint that changes every few seconds, and writing each agent's poll to the
// database (every 15 s per open tab) would cost a write transaction per poll
// on SQLite's single writer for something nobody needs after a minute. On
// PostgreSQL, where several nodes behind a load balancer serve the same
// agents, polls go to an UNLOGGED table instead (desk.SeeTicket).

// presenceTTL is how long a poll counts: more than two poll intervals (15 s),
// so one late poll doesn't make an agent blink out.
const presenceTTL = 40 * time.Second

// presence is the per-node table: ticket id → user id → last poll.
type presence struct {
	mu        sync.Mutex
	seen      map[int64]map[int64]viewer
	lastSweep time.Time
}

type viewer struct {
	name string
	at   time.Time
}

func newPresence() *presence { return &presence{seen: map[int64]map[int64]viewer{}} }

// see records that u has ticket id open at now and returns the names of the
// other agents who have it open, sorted.
func (p *presence) see(id int64, u model.User, now time.Time) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.lastSweep) > presenceTTL {
		// Tickets nobody polls any more would otherwise keep their entries.
		for tid, vs := range p.seen {
			prune(vs, now)
			if len(vs) == 0 {
				delete(p.seen, tid)
			}
		}
		p.lastSweep = now
	}
	vs := p.seen[id]
	if vs == nil {
		vs = map[int64]viewer{}
		p.seen[id] = vs
	}
	prune(vs, now)
	vs[u.ID] = viewer{name: u.Name, at: now}
	others := make([]string, 0, len(vs)-1)
	for uid, v := range vs {
		if uid != u.ID {
			others = append(others, v.name)
		}
	}
	slices.Sort(others)
	return others
}

func prune(vs map[int64]viewer, now time.Time) {
	for uid, v := range vs {
		if now.Sub(v.at) > presenceTTL {
			delete(vs, uid)
		}
	}
}

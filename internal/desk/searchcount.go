package desk

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/search/index"
)

// countTTL is how long the match count of a broad search is reused. Counting is
// the one part of a search whose cost grows with the number of matches: the page
// of a broad search is read in sort order and stops after a page, but its count
// visits every match (tens of milliseconds per 100,000 matches, seconds when a
// condition has no index). Agents repeat the same searches all day, so a broad
// search's count is reused for a while, and may lag that much behind the
// tickets, as Zendesk's own search index lags by minutes. A count of up to
// broadMatches matches that was quick to make is always made afresh.
const countTTL = 30 * time.Second

// slowCount is how long a PostgreSQL count may take before it is reused like a
// broad one, whatever its size: at a million tickets "laptop status:pending"
// has 1,111 matches but intersects a word in 60,000 tickets with 27,000
// pending ones, 0.4-0.9 s on every request when it was counted afresh each
// time, and "email assignee:none status:new" (617) 60 ms. SQLite counts from
// in-memory sets, quick whatever the query, so its small counts are always
// fresh.
const slowCount = 50 * time.Millisecond

// countStale is how long past countTTL a count is still answered while one
// recount runs in the background, so that no request waits for a broad count
// it asked for less than countTTL + countStale ago.
const countStale = 30 * time.Second

// maxCachedCounts bounds the cache; past it, it starts over empty.
const maxCachedCounts = 4096

// maxCachedIDs bounds the ticket ids kept with slow narrow counts (8 bytes
// each, so 8 MB); past it, counts are kept without their ids.
const maxCachedIDs = 1 << 20

// countCache keeps broad searches' ticket counts by query and actor (who "me"
// means).
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
	// recountTurn lets one background recount run at a time. They don't take
	// a search slot: at a million tickets on PostgreSQL a broad recount reads
	// for 0.3-1.8 s, and a few of them at once held the slots that the
	// searches agents wait on.
	recountTurn sync.Mutex
	// ids is how many ticket ids the entries hold.
	ids int
	// gen counts the clears: a count begun before one (it may have counted a
	// ticket purged since) is not kept.
	gen uint64
}

type countEntry struct {
	counted
	at         time.Time // when it was counted
	recounting bool
}

// counted is a search's count and, for a slow narrow one on PostgreSQL, the
// ids of its matches, which its pages are then read from (index.Params.Candidates):
// the count had to find them all anyway, and finding them again for each page
// took as long (keyboard -laptop priority:urgent, 1,701 matches: 0.5-0.8 s).
type counted struct {
	n   int64
	ids []int64
}

// get returns the count under key if it is still usable at now; recount says
// it is past countTTL and the caller should recount it in the background (only
// one caller is told so at a time).
func (c *countCache) get(key string, now time.Time) (got counted, ok, recount bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.m[key]
	age := now.Sub(e.at)
	if !found || age > countTTL+countStale {
		return counted{}, false, false
	}
	if age > countTTL && !e.recounting {
		e.recounting = true
		c.m[key] = e
		recount = true
	}
	return e.counted, true, recount
}

// generation returns the number of clears so far, for put.
func (c *countCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps n under key, counted at now by a count begun in generation gen; a
// count of broadMatches or fewer is dropped unless it was slow to make, as
// those are counted afresh, and so is one begun before the last clear.
func (c *countCache) put(key string, got counted, now time.Time, slow bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedCounts {
		c.m, c.ids = map[string]countEntry{}, 0
	}
	c.ids -= len(c.m[key].ids)
	if got.n <= broadMatches && !slow {
		delete(c.m, key)
		return
	}
	if c.ids+len(got.ids) > maxCachedIDs {
		got.ids = nil
	}
	c.ids += len(got.ids)
	c.m[key] = countEntry{counted: got, at: now}
}

// clear forgets every count.
func (c *countCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.ids = nil, 0
	c.gen++
}

// ticketCount counts the tickets matching p (the query text is raw), reusing a
// recent count when it was broad or slow.
func (s *Service) ticketCount(ctx context.Context, p index.Params, raw string) (counted, error) {
	// The hidden groups are part of the key: an agent who joins or leaves a
	// private group must not be answered a count made with the old set.
	key, now := strconv.FormatInt(p.ActorID, 10)+" "+fmt.Sprint(p.HiddenGroups)+" "+raw, s.now()
	if got, ok, recount := s.counts.get(key, now); ok {
		if recount {
			p.Memo = new(index.Memo) // the caller's page uses its own
			go s.recount(context.WithoutCancel(ctx), key, p, got.ids != nil)
		}
		return got, nil
	}
	gen := s.counts.generation()
	got, slow, err := s.countMatches(ctx, p, false)
	if err == nil {
		s.counts.put(key, got, now, slow, gen)
	}
	return got, err
}

// recount refreshes a reused count in the background. On failure the old count
// stays until it is too old, and the next request past that counts itself.
func (s *Service) recount(ctx context.Context, key string, p index.Params, narrow bool) {
	ctx, cancel := context.WithTimeout(ctx, countTTL)
	defer cancel()
	s.counts.recountTurn.Lock()
	defer s.counts.recountTurn.Unlock()
	if ctx.Err() != nil {
		return // waited past its time behind other recounts; the next request past it counts itself
	}
	now, gen := s.now(), s.counts.generation()
	got, slow, err := s.countMatches(ctx, p, narrow)
	if err != nil {
		s.log.WarnContext(ctx, "search count in the background failed", "err", err)
		return
	}
	s.counts.put(key, got, now, slow, gen)
}

// countMatches counts p's matches and says whether that was slow (countWasSlow);
// a slow count of few matches also finds their ids, for its pages (counted).
// With narrow (its last count kept ids) the ids are found first, and their
// number is the count: a recount doesn't read the matches twice.
func (s *Service) countMatches(ctx context.Context, p index.Params, narrow bool) (counted, bool, error) {
	start := s.now()
	if narrow {
		if got, ok, err := s.matchIDs(ctx, p); ok || err != nil {
			return got, s.countWasSlow(start), err
		}
	}
	n, err := s.db.Searcher().CountTickets(ctx, p)
	if err != nil {
		return counted{}, false, err
	}
	got, slow := counted{n: n}, s.countWasSlow(start)
	if slow && n <= broadMatches {
		ids, ok, err := s.matchIDs(ctx, p)
		if err != nil {
			return counted{}, false, err
		}
		if ok {
			got = ids
		}
	}
	return got, slow, nil
}

// matchIDs finds p's matches when there are broadMatches or fewer (ok).
func (s *Service) matchIDs(ctx context.Context, p index.Params) (counted, bool, error) {
	ids, ok, err := s.db.Searcher().TicketIDs(ctx, p, broadMatches)
	if err != nil || !ok {
		return counted{}, false, err
	}
	return counted{n: int64(len(ids)), ids: ids}, true, nil
}

// countWasSlow reports whether a count begun at start was slow enough to reuse
// whatever its size (slowCount).
func (s *Service) countWasSlow(start time.Time) bool {
	return s.db.Dialect().Name == "postgres" && s.now().Sub(start) >= slowCount
}

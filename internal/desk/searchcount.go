package desk

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/store"
)

// countTTL is how long the match count of a broad search is reused. Counting is
// the one part of a search whose cost grows with the number of matches: the page
// of a broad search is read in sort order and stops after a page, but its count
// visits every match (tens of milliseconds per 100,000 matches). Agents repeat
// the same searches all day, so a broad search's count is reused for a while,
// and may lag that much behind the tickets, as Zendesk's own search index lags
// by minutes. Counts of up to broadMatches matches are always exact.
const countTTL = 30 * time.Second

// maxCachedCounts bounds the cache; past it, it starts over empty.
const maxCachedCounts = 4096

// countCache keeps broad searches' ticket counts by query and actor (who "me"
// means).
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
}

type countEntry struct {
	n     int64
	until time.Time
}

func (c *countCache) get(key string, now time.Time) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.After(e.until) {
		return 0, false
	}
	return e.n, true
}

func (c *countCache) put(key string, n int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedCounts {
		c.m = map[string]countEntry{}
	}
	c.m[key] = countEntry{n: n, until: now.Add(countTTL)}
}

// ticketCount counts the tickets matching p (the query text is raw), reusing a
// recent count when it was broad.
func (s *Service) ticketCount(ctx context.Context, p store.SearchParams, raw string) (int64, error) {
	key, now := strconv.FormatInt(p.ActorID, 10)+" "+raw, time.Now()
	if n, ok := s.counts.get(key, now); ok {
		return n, nil
	}
	n, err := s.db.Read().TicketSearchCount(ctx, p)
	if err == nil && n > broadMatches {
		s.counts.put(key, n, now)
	}
	return n, err
}

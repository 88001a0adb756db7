package desk

import (
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// authTTL is how long a checked API token is trusted without reading it again.
// Every API request authenticates, and the lookup was a seventh of the server's
// CPU under load. A change made through this node (role, suspension) clears the
// cache at once; one made on another node sharing the database, or with the CLI,
// takes effect here within authTTL.
const authTTL = 2 * time.Second

// maxAuthEntries bounds the cache; past it, it starts over empty.
const maxAuthEntries = 10000

// authCache remembers the users of recently checked API tokens, by token digest.
// Only successful lookups are kept, so a new token works at once.
type authCache struct {
	mu sync.Mutex
	m  map[string]authEntry
	// gen counts clears. A lookup notes it before reading the database and only
	// caches its answer if no clear happened meanwhile: otherwise a lookup that
	// read a user just before a suspension committed would put the still-active
	// user back after the clear, and the token would work for another authTTL.
	gen uint64
}

type authEntry struct {
	user  model.User
	until time.Time
}

func (c *authCache) get(digest string, now time.Time) (model.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[digest]
	if !ok || now.After(e.until) {
		return model.User{}, false
	}
	return e.user, true
}

// generation returns the number of clears so far; pass it to put.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches u for digest, unless the cache was cleared since gen was read.
func (c *authCache) put(digest string, u model.User, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxAuthEntries {
		c.m = map[string]authEntry{}
	}
	c.m[digest] = authEntry{user: u, until: now.Add(authTTL)}
}

// clear forgets every token; call it after a user changed.
func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
	c.gen++
}

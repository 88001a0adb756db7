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

func (c *authCache) put(digest string, u model.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
}

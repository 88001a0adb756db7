package desk

import (
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// TestAuthCacheLookupAcrossAClear: a lookup that read the user before a
// suspension committed (and the cache was cleared) must not cache what it read.
func TestAuthCacheLookupAcrossAClear(t *testing.T) {
	t.Parallel()
	var c authCache
	now := time.Now()
	gen := c.generation()                                      // the lookup starts...
	c.clear()                                                  // ...the suspension commits and clears...
	c.put("digest", model.User{ID: 7, Active: true}, now, gen) // ...and the lookup finishes.
	if u, ok := c.get("digest", now); ok {
		t.Fatalf("a lookup older than the clear cached %+v: the suspended token would work for %s", u, authTTL)
	}
	c.put("digest", model.User{ID: 7}, now, c.generation())
	if _, ok := c.get("digest", now); !ok {
		t.Fatal("a lookup after the clear is not cached")
	}
}

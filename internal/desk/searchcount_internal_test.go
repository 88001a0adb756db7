package desk

import (
	"testing"
	"time"
)

// TestCountBegunBeforeAClearIsNotKept: a purge clears the reused counts after
// it commits; a count that began before that may have counted the purged
// ticket, so it must not be kept when it ends after the clear.
func TestCountBegunBeforeAClearIsNotKept(t *testing.T) {
	var c countCache
	now := time.Now()
	before := c.generation()
	c.clear() // a purge commits while the count runs
	c.put("q", counted{n: 5000}, now, false, before)
	if _, ok, _ := c.get("q", now); ok {
		t.Fatal("a count begun before the clear was kept")
	}
	c.put("q", counted{n: 5000}, now, false, c.generation())
	if got, ok, _ := c.get("q", now); !ok || got.n != 5000 {
		t.Fatalf("a count begun after the clear: %v %v, want it kept", got, ok)
	}
}

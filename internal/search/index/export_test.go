package index

import "time"

// Len reports how many match sets the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// TimesReady reports whether the live tickets' times are loaded, so that
// searches page through them (times_page.go).
func (c *Cache) TimesReady() bool { return c.times.cols.Load() != nil }

// WaitTimes starts the load of the tickets' times and waits until it is done.
func (c *Cache) WaitTimes(t interface{ Fatal(...any) }) {
	for deadline := time.Now().Add(10 * time.Second); c.wantTimes() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tickets' times did not load")
		}
	}
}

package store

import "time"

// ReadUncached is Read without the term cache: every word's matches come from
// the index, as the truth the cache is checked against.
func (db *DB) ReadUncached() *Queries {
	q := db.Read()
	q.terms = nil
	return q
}

// CachedTerms reports how many words' match sets the term cache holds.
func (db *DB) CachedTerms() int {
	if db.terms == nil {
		return 0
	}
	db.terms.mu.Lock()
	defer db.terms.mu.Unlock()
	return len(db.terms.entries)
}

// TimesReady reports whether the live tickets' times are loaded, so that
// searches page through them (ticket_times.go).
func (db *DB) TimesReady() bool { return db.terms != nil && db.terms.times.cols.Load() != nil }

// WaitTimes starts the load of the tickets' times and waits until it is done.
func (db *DB) WaitTimes(t interface{ Fatal(...any) }) {
	for deadline := time.Now().Add(10 * time.Second); db.terms.wantTimes() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tickets' times did not load")
		}
	}
}

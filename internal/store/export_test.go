package store

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

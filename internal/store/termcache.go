package store

import (
	"strconv"
	"strings"
	"sync"

	"github.com/twindesk/twindesk/internal/idset"
	"github.com/twindesk/twindesk/internal/model"
)

// termCache keeps the match sets (package idset) of the words, phrases, tags
// and field values (status=open) searched most recently, so that a common word
// costs a copy instead of a pass over its 100,000 index rows. It stays exact:
// the writer applies every committed index and field change to the cached sets
// (apply), and a set read from the database while writes went on is brought up
// to date from a short log of recent changes before it is kept (put).
//
// Only words and phrases of letters a-z and digits are cached: for them the
// words Go splits a document into are exactly the tokens of SQLite's
// tokenizer. A word of a document that mixes in other letters may or may not
// be split further by SQLite, so the cached sets of its a-z runs are dropped
// instead. A bulk load or a write by another process empties the cache.
type termCache struct {
	mu      sync.Mutex
	entries map[string]*termEntry
	// gen counts applied commits; log holds the changes of the last ones, each
	// stamped with its commit's gen, oldest first.
	gen uint64
	log []termChange
	// since: the log holds every change of the commits after it.
	since    uint64
	logBytes int
	tick     uint64 // for least-recently-used eviction
	// times are the live tickets' times (ticket_times.go). loadTimes starts
	// their load in the background, reporting to timesLoaded; it is nil once
	// the database is closing.
	times     ticketTimes
	loadTimes func(epoch uint64)
}

type termEntry struct {
	set  idset.Set
	used uint64
}

// termCacheSize bounds the cache: a set over a million tickets is 125 KB.
const termCacheSize = 128

// termLogSize and termLogBytes bound the change log; a set read over more
// commits than it holds is returned but not kept.
const (
	termLogSize  = 4096
	termLogBytes = 4 << 20
)

// changeKind is what an index or field change does to the cached sets.
type changeKind int

const (
	changeNone changeKind = iota
	// addDoc adds the ticket to the sets of the words of doc.
	addDoc
	// removeTicket takes the ticket out of every set: it has no parts left.
	removeTicket
	// replacePart drops the sets that hold the ticket: one of its parts was
	// deleted and may have held their word alone.
	replacePart
	// resetAll empties the cache.
	resetAll
	// addKey and removeKey put the ticket in or out of the set under key doc:
	// a tag's (tagKey) or a field value's (facetKey).
	addKey
	removeKey
	// setTimes records a live ticket's created and updated times
	// (ticketTimes); it touches no set and is not logged.
	setTimes
)

// termChange is one index or field change as the cache sees it.
type termChange struct {
	kind   changeKind
	ticket int64
	doc    string
	gen    uint64
	// created and updated are setTimes's times, as stored (ts).
	created, updated int64
}

func newTermCache() *termCache { return &termCache{entries: map[string]*termEntry{}} }

// cacheable returns the cache key of a term: its words of a-z and 0-9, space
// separated (a phrase has several); a prefix or other letters can't be cached.
func cacheable(t Term) (string, bool) {
	key := strings.Join(t.Tokens, " ")
	return key, !t.Prefix && plainWords(key)
}

// tagKey is the cache key of a tag's set; no word has a colon.
func tagKey(tag string) string { return "tags:" + tag }

// facetKey is the cache key of the set of live tickets whose column col (one
// of facetCols) holds value, "" for NULL; no word or tag key has an equals sign.
func facetKey(col, value string) string { return col + "=" + value }

// facetCols are the ticket columns whose values have cached sets.
var facetCols = [...]string{"status", "priority", "type", "assignee_id", "group_id"}

// facetValues returns a ticket's values of facetCols, in that order.
func facetValues(t *model.Ticket) [len(facetCols)]string {
	return [...]string{string(t.Status), string(t.Priority), string(t.Type), idValue(t.AssigneeID), idValue(t.GroupID)}
}

// idValue is an id column's facet value: the id in decimal, "" for none.
func idValue(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// addFacets queues the cache changes of a ticket's field values: from before
// (nil for a new or restored ticket) to after.
func (q *Queries) addFacets(id int64, before, after *model.Ticket) {
	now := facetValues(after)
	var was [len(facetCols)]string
	if before != nil {
		was = facetValues(before)
	}
	for i, col := range facetCols {
		if before != nil && was[i] == now[i] {
			continue
		}
		if before != nil {
			q.index.add(termChange{kind: removeKey, ticket: id, doc: facetKey(col, was[i])}, "", "")
		}
		q.index.add(termChange{kind: addKey, ticket: id, doc: facetKey(col, now[i])}, "", "")
	}
	q.index.add(timesChange(id, after.CreatedAt, after.UpdatedAt), "", "")
}

// isPhrase reports whether a cache key is a phrase of several words.
func isPhrase(key string) bool { return strings.IndexByte(key, ' ') >= 0 }

// hasPhrase reports whether a document of plain words holds the phrase.
func hasPhrase(doc, phrase string) bool {
	return strings.Contains(" "+doc+" ", " "+phrase+" ")
}

// plainWords reports whether s holds only a-z, 0-9 and spaces.
func plainWords(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// get returns a copy of word's set, and the current gen for a miss: the
// caller reads the set from the index and hands it to put with that gen.
func (c *termCache) get(word string) (idset.Set, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[word]; ok {
		c.tick++
		e.used = c.tick
		return e.set.Clone(), true, 0
	}
	return idset.Set{}, false, c.gen
}

// put keeps set, read from the index in a snapshot taken after gen was
// current, once the changes committed since are applied to it. It gives up
// when the log no longer reaches back that far or a change can't be replayed.
func (c *termCache) put(word string, set idset.Set, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(word, set, gen)
}

// putLocked is put for a caller that holds the cache's lock.
func (c *termCache) putLocked(word string, set idset.Set, gen uint64) {
	if _, ok := c.entries[word]; ok || gen < c.since {
		return
	}
	set = set.Clone()
	for _, ch := range c.log {
		if ch.gen > gen && !replay(&set, word, ch) {
			return
		}
	}
	if len(c.entries) >= termCacheSize {
		c.evict()
	}
	c.tick++
	c.entries[word] = &termEntry{set: set, used: c.tick}
}

// replay applies ch to word's set; false when it can't tell the outcome.
func replay(set *idset.Set, word string, ch termChange) bool {
	ok := true
	switch ch.kind {
	case addDoc:
		if isPhrase(word) {
			if !plainWords(ch.doc) {
				return false
			}
			if hasPhrase(ch.doc, word) {
				set.Add(ch.ticket)
			}
			return true
		}
		docWords(ch.doc, func(w string, certain bool) {
			switch {
			case w != word:
			case certain:
				set.Add(ch.ticket)
			default:
				ok = false
			}
		})
	case addKey:
		if ch.doc == word {
			set.Add(ch.ticket)
		}
	case removeKey:
		if ch.doc == word {
			set.Remove(ch.ticket)
		}
	case removeTicket:
		set.Remove(ch.ticket)
	case replacePart:
		ok = !set.Has(ch.ticket)
	case resetAll:
		ok = false
	}
	return ok
}

// docWords calls fn for each word of a normalised document that could be a
// cached word: certain for a word of a-z and 0-9 alone; for a word with other
// letters, each of its a-z and 0-9 runs, not certain.
func docWords(doc string, fn func(word string, certain bool)) {
	for _, w := range strings.Fields(doc) {
		if plainWords(w) {
			fn(w, true)
			continue
		}
		for _, run := range strings.FieldsFunc(w, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') }) {
			fn(run, false)
		}
	}
}

func (c *termCache) evict() {
	var oldest string
	var used uint64
	for w, e := range c.entries {
		if oldest == "" || e.used < used {
			oldest, used = w, e.used
		}
	}
	delete(c.entries, oldest)
}

// apply brings the cache up to date with one commit's full-text writes, in
// their order. Call it after the commit succeeded, before the writers learn so.
func (c *termCache) apply(changes []termChange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, ch := range changes {
		c.applyTimes(ch)
		if ch.kind == changeNone || ch.kind == setTimes {
			continue
		}
		ch.gen = c.gen
		c.applyOne(ch)
		c.log = append(c.log, ch)
		c.logBytes += len(ch.doc)
	}
	c.trimLog()
}

// trimLog drops the oldest commits' changes while the log is over its bounds.
func (c *termCache) trimLog() {
	drop := 0
	for bytes := c.logBytes; drop < len(c.log) && (len(c.log)-drop > termLogSize || bytes > termLogBytes); {
		g := c.log[drop].gen
		for drop < len(c.log) && c.log[drop].gen == g {
			bytes -= len(c.log[drop].doc)
			drop++
		}
		c.since, c.logBytes = g, bytes
	}
	if drop > 0 {
		c.log = append(c.log[:0], c.log[drop:]...)
	}
}

func (c *termCache) applyOne(ch termChange) {
	switch ch.kind {
	case addDoc:
		docWords(ch.doc, func(w string, certain bool) {
			if e, ok := c.entries[w]; ok {
				if certain {
					e.set.Add(ch.ticket)
				} else {
					delete(c.entries, w)
				}
			}
		})
		c.applyPhrases(ch)
	case addKey:
		if e, ok := c.entries[ch.doc]; ok {
			e.set.Add(ch.ticket)
		}
	case removeKey:
		if e, ok := c.entries[ch.doc]; ok {
			e.set.Remove(ch.ticket)
		}
	case removeTicket:
		for _, e := range c.entries {
			e.set.Remove(ch.ticket)
		}
		c.forgetText(ch.ticket)
	case replacePart:
		for w, e := range c.entries {
			if e.set.Has(ch.ticket) {
				delete(c.entries, w)
			}
		}
	case resetAll:
		clear(c.entries)
	}
}

// forgetText blanks the logged text of a ticket taken out of the index, so a
// purged ticket's words don't stay in memory for as long as the log keeps them.
// Replaying a blank document adds nothing, which is right: the removal follows.
func (c *termCache) forgetText(ticket int64) {
	for i := range c.log {
		if ch := &c.log[i]; ch.ticket == ticket && ch.kind == addDoc {
			c.logBytes -= len(ch.doc)
			ch.doc = ""
		}
	}
}

// applyPhrases adds the ticket of a new document to the cached phrases it
// holds. A document with other letters drops them all: SQLite may split its
// words where Go does not.
func (c *termCache) applyPhrases(ch termChange) {
	plain := plainWords(ch.doc)
	for key, e := range c.entries {
		switch {
		case !isPhrase(key) || strings.ContainsAny(key, ":="):
		case !plain:
			delete(c.entries, key)
		case hasPhrase(ch.doc, key):
			e.set.Add(ch.ticket)
		}
	}
}

// committed tells the term cache about a commit's full-text writes. A write by
// another process (twindesk seed on a served data directory) moves the writer
// connection's data_version: then the cache starts over, as it can't know what
// changed.
func (db *DB) committed(changes []termChange) {
	if db.terms == nil {
		return
	}
	var v int64
	if err := db.write.QueryRow(db.dialect.FullText.DataVersion).Scan(&v); err != nil || v != db.dataVersion {
		db.dataVersion = v
		changes = append(changes, termChange{kind: resetAll})
	}
	db.terms.apply(changes)
}

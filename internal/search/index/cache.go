package index

import (
	"context"
	"strings"
	"sync"

	"github.com/twindesk/twindesk/internal/idset"
)

// Cache keeps the match sets (package idset) of the words, phrases, tags
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
type Cache struct {
	mu      sync.Mutex
	entries map[string]*termEntry
	// gen counts applied commits; log holds the changes of the last ones, each
	// stamped with its commit's gen, oldest first.
	gen uint64
	log []Change
	// pending counts the commits under way: announced by Committing, ended
	// by Apply or Abandon. While one is, the database may be ahead of the
	// cached sets, and a set read from it can't be told apart from one read
	// before the commit: put drops it.
	pending int
	// since: the log holds every change of the commits after it.
	since    uint64
	logBytes int
	tick     uint64 // for least-recently-used eviction
	// times are the live tickets' times (times.go). loadTimes starts their
	// load in the background (startTimesLoad), reporting to timesLoaded; it
	// is nil once the database is closing. The loads read through read, run
	// under loadCtx, which endLoads cancels, and are counted in loads.
	times     ticketTimes
	loadTimes func(epoch uint64)
	read      func() Reader
	loadCtx   context.Context
	endLoads  context.CancelFunc
	loads     sync.WaitGroup
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

// NewCache returns an empty cache whose loads read through read. The store
// applies each commit's index changes to it (Apply) and stops it when the
// database closes (Stop).
func NewCache(read func() Reader) *Cache {
	c := &Cache{entries: map[string]*termEntry{}, read: read}
	c.loadCtx, c.endLoads = context.WithCancel(context.Background())
	c.loadTimes = c.startTimesLoad
	return c
}

// cacheable returns the cache key of a term: its words of a-z and 0-9, space
// separated (a phrase has several); a prefix or other letters can't be cached.
func cacheable(t Term) (string, bool) {
	key := strings.Join(t.Tokens, " ")
	return key, !t.Prefix && plainWords(key)
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
func (c *Cache) get(word string) (idset.Set, bool, uint64) {
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
// when the log no longer reaches back that far or a change can't be replayed,
// and while a commit is under way: a set read before that commit would show
// fewer changes than a search that read past the cache after it, until Apply.
func (c *Cache) put(word string, set idset.Set, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(word, set, gen)
}

// putLocked is put for a caller that holds the cache's lock.
func (c *Cache) putLocked(word string, set idset.Set, gen uint64) {
	if _, ok := c.entries[word]; ok || gen < c.since || c.pending > 0 {
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
func replay(set *idset.Set, word string, ch Change) bool {
	ok := true
	switch ch.Kind {
	case AddDoc:
		if isPhrase(word) {
			if !plainWords(ch.Doc) {
				return false
			}
			if hasPhrase(ch.Doc, word) {
				set.Add(ch.Ticket)
			}
			return true
		}
		docWords(ch.Doc, func(w string, certain bool) {
			switch {
			case w != word:
			case certain:
				set.Add(ch.Ticket)
			default:
				ok = false
			}
		})
	case AddKey:
		if ch.Doc == word {
			set.Add(ch.Ticket)
		}
	case RemoveKey:
		if ch.Doc == word {
			set.Remove(ch.Ticket)
		}
	case RemoveTicket:
		set.Remove(ch.Ticket)
	case ReplacePart:
		ok = !set.Has(ch.Ticket)
	case ResetAll:
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

func (c *Cache) evict() {
	var oldest string
	var used uint64
	for w, e := range c.entries {
		if oldest == "" || e.used < used {
			oldest, used = w, e.used
		}
	}
	delete(c.entries, oldest)
}

// Committing tells the cache that the writer is about to commit. Call it
// right before every commit, and end it with Apply when the commit succeeded
// or with Abandon when it failed.
func (c *Cache) Committing() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending++
}

// Abandon ends a commit announced by Committing that failed.
func (c *Cache) Abandon() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endCommit()
}

// endCommit ends the oldest commit under way, if any. The caller holds the
// cache's lock.
func (c *Cache) endCommit() {
	if c.pending > 0 {
		c.pending--
	}
	if c.pending == 0 {
		c.installLoadedTimes()
	}
}

// Apply brings the cache up to date with one commit's full-text writes, in
// their order, and ends that commit (Committing). Call it after the commit
// succeeded, before the writers learn so.
func (c *Cache) Apply(changes []Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.endCommit() // after the changes: a load installed then replays them
	c.gen++
	for _, ch := range changes {
		c.applyTimes(ch)
		if ch.Kind == ChangeNone || ch.Kind == SetTimes {
			continue
		}
		ch.gen = c.gen
		c.applyOne(ch)
		c.log = append(c.log, ch)
		c.logBytes += len(ch.Doc)
	}
	c.trimLog()
}

// trimLog drops the oldest commits' changes while the log is over its bounds.
func (c *Cache) trimLog() {
	drop := 0
	for bytes := c.logBytes; drop < len(c.log) && (len(c.log)-drop > termLogSize || bytes > termLogBytes); {
		g := c.log[drop].gen
		for drop < len(c.log) && c.log[drop].gen == g {
			bytes -= len(c.log[drop].Doc)
			drop++
		}
		c.since, c.logBytes = g, bytes
	}
	if drop > 0 {
		c.log = append(c.log[:0], c.log[drop:]...)
	}
}

func (c *Cache) applyOne(ch Change) {
	switch ch.Kind {
	case AddDoc:
		docWords(ch.Doc, func(w string, certain bool) {
			if e, ok := c.entries[w]; ok {
				if certain {
					e.set.Add(ch.Ticket)
				} else {
					delete(c.entries, w)
				}
			}
		})
		c.applyPhrases(ch)
	case AddKey:
		if e, ok := c.entries[ch.Doc]; ok {
			e.set.Add(ch.Ticket)
		}
	case RemoveKey:
		if e, ok := c.entries[ch.Doc]; ok {
			e.set.Remove(ch.Ticket)
		}
	case RemoveTicket:
		for _, e := range c.entries {
			e.set.Remove(ch.Ticket)
		}
		c.forgetText(ch.Ticket)
	case ReplacePart:
		for w, e := range c.entries {
			if e.set.Has(ch.Ticket) {
				delete(c.entries, w)
			}
		}
	case ResetAll:
		clear(c.entries)
	}
}

// forgetText blanks the logged text of a ticket taken out of the index, so a
// purged ticket's words don't stay in memory for as long as the log keeps them.
// Replaying a blank document adds nothing, which is right: the removal follows.
func (c *Cache) forgetText(ticket int64) {
	for i := range c.log {
		if ch := &c.log[i]; ch.Ticket == ticket && ch.Kind == AddDoc {
			c.logBytes -= len(ch.Doc)
			ch.Doc = ""
		}
	}
}

// applyPhrases adds the ticket of a new document to the cached phrases it
// holds. A document with other letters drops them all: SQLite may split its
// words where Go does not.
func (c *Cache) applyPhrases(ch Change) {
	plain := plainWords(ch.Doc)
	for key, e := range c.entries {
		switch {
		case !isPhrase(key) || strings.ContainsAny(key, ":="):
		case !plain:
			delete(c.entries, key)
		case hasPhrase(ch.Doc, key):
			e.set.Add(ch.Ticket)
		}
	}
}

package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/idset"
)

func setOf(ids ...int64) idset.Set {
	var s idset.Set
	for _, id := range ids {
		s.Add(id)
	}
	return s
}

func cached(t *testing.T, c *termCache, word string) []int64 {
	t.Helper()
	s, ok, _ := c.get(word)
	if !ok {
		return nil
	}
	return s.IDs()
}

// TestTermCacheReplaysChangesSinceRead: a set read before some commits is
// brought up to date with them before it is kept, and commits after it are
// applied to it directly.
func TestTermCacheReplaysChangesSinceRead(t *testing.T) {
	c := newTermCache()
	_, _, gen := c.get("printer")
	c.apply([]termChange{{kind: addDoc, ticket: 7, doc: "the printer jams"}, {kind: addDoc, ticket: 8, doc: "vpn down"}})
	c.apply([]termChange{{kind: removeTicket, ticket: 3}})
	c.put("printer", setOf(3, 5), gen) // read in a snapshot before both commits
	if got := cached(t, c, "printer"); !slices.Equal(got, []int64{5, 7}) {
		t.Fatalf("after replay: %v, want [5 7]", got)
	}
	c.apply([]termChange{{kind: addDoc, ticket: 9, doc: "printer"}, {kind: removeTicket, ticket: 5}})
	if got := cached(t, c, "printer"); !slices.Equal(got, []int64{7, 9}) {
		t.Fatalf("after apply: %v, want [7 9]", got)
	}
}

// TestTermCacheDropsWhatItCantTell: a replaced part of a ticket in the set, a
// word that SQLite might split differently, a reset, and a read older than the
// log all leave the word uncached.
func TestTermCacheDropsWhatItCantTell(t *testing.T) {
	c := newTermCache()
	c.put("printer", setOf(1, 2), 0)
	c.put("vpn", setOf(3), 0)
	c.apply([]termChange{{kind: replacePart, ticket: 2}})
	if cached(t, c, "printer") != nil || cached(t, c, "vpn") == nil {
		t.Fatal("a replaced part must drop the sets holding its ticket, and only those")
	}
	c.apply([]termChange{{kind: addDoc, ticket: 4, doc: "vpnλtunnel"}})
	if cached(t, c, "vpn") != nil {
		t.Fatal("vpn next to another script may be a token of its own: its set must go")
	}
	c.put("printer", setOf(1, 2), 0) // read before ticket 2 lost a part: unknown outcome
	if cached(t, c, "printer") != nil {
		t.Fatal("a set read before a replaced part of one of its tickets was kept")
	}
	_, _, gen := c.get("mouse")
	c.apply([]termChange{{kind: resetAll}})
	c.put("mouse", setOf(1), gen)
	if cached(t, c, "mouse") != nil {
		t.Fatal("a set read before a reset was kept")
	}
	_, _, gen = c.get("badge")
	for i := range termLogSize + 1 {
		c.apply([]termChange{{kind: addDoc, ticket: int64(i), doc: "x"}})
	}
	c.put("badge", setOf(1), gen)
	if cached(t, c, "badge") != nil {
		t.Fatal("a set read before the oldest logged commit was kept")
	}
	c.put("badge", setOf(1), c.gen)
	if !slices.Equal(cached(t, c, "badge"), []int64{1}) {
		t.Fatal("a current set was not kept")
	}
}

func TestTermCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newTermCache()
	for i := range termCacheSize {
		c.put(string(rune('a'+i%26))+string(rune('a'+i/26)), setOf(int64(i)), 0)
	}
	c.get("aa") // used: survives
	c.put("new", setOf(1), 0)
	if cached(t, c, "aa") == nil || cached(t, c, "ba") != nil || cached(t, c, "new") == nil {
		t.Fatal("eviction did not take the least recently used word")
	}
}

func TestDocWords(t *testing.T) {
	type w struct {
		word    string
		certain bool
	}
	var got []w
	docWords("printer 2nd café ab日本cd", func(word string, certain bool) { got = append(got, w{word, certain}) })
	want := []w{{"printer", true}, {"2nd", true}, {"caf", false}, {"ab", false}, {"cd", false}}
	if !slices.Equal(got, want) {
		t.Fatalf("docWords = %v, want %v", got, want)
	}
}

// TestTermCacheForgetsRemovedText: once a ticket leaves the index, the change
// log no longer holds its text.
func TestTermCacheForgetsRemovedText(t *testing.T) {
	c := newTermCache()
	c.apply([]termChange{{kind: addDoc, ticket: 1, doc: "salary canary42"}, {kind: addDoc, ticket: 2, doc: "printer"}})
	c.apply([]termChange{{kind: removeTicket, ticket: 1}})
	for _, ch := range c.log {
		if strings.Contains(ch.doc, "canary42") {
			t.Fatalf("the log still holds the removed ticket's text: %+v", ch)
		}
	}
	if c.logBytes != len("printer") {
		t.Fatalf("logBytes = %d, want %d", c.logBytes, len("printer"))
	}
}

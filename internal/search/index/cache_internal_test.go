package index

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

func cached(t *testing.T, c *Cache, word string) []int64 {
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
	c := NewCache(nil)
	_, _, gen := c.get("printer")
	c.Apply([]Change{{Kind: AddDoc, Ticket: 7, Doc: "the printer jams"}, {Kind: AddDoc, Ticket: 8, Doc: "vpn down"}})
	c.Apply([]Change{{Kind: RemoveTicket, Ticket: 3}})
	c.put("printer", setOf(3, 5), gen) // read in a snapshot before both commits
	if got := cached(t, c, "printer"); !slices.Equal(got, []int64{5, 7}) {
		t.Fatalf("after replay: %v, want [5 7]", got)
	}
	c.Apply([]Change{{Kind: AddDoc, Ticket: 9, Doc: "printer"}, {Kind: RemoveTicket, Ticket: 5}})
	if got := cached(t, c, "printer"); !slices.Equal(got, []int64{7, 9}) {
		t.Fatalf("after apply: %v, want [7 9]", got)
	}
}

// TestTermCacheDropsWhatItCantTell: a replaced part of a ticket in the set, a
// word that SQLite might split differently, a reset, and a read older than the
// log all leave the word uncached.
func TestTermCacheDropsWhatItCantTell(t *testing.T) {
	c := NewCache(nil)
	c.put("printer", setOf(1, 2), 0)
	c.put("vpn", setOf(3), 0)
	c.Apply([]Change{{Kind: ReplacePart, Ticket: 2}})
	if cached(t, c, "printer") != nil || cached(t, c, "vpn") == nil {
		t.Fatal("a replaced part must drop the sets holding its ticket, and only those")
	}
	c.Apply([]Change{{Kind: AddDoc, Ticket: 4, Doc: "vpnλtunnel"}})
	if cached(t, c, "vpn") != nil {
		t.Fatal("vpn next to another script may be a token of its own: its set must go")
	}
	c.put("printer", setOf(1, 2), 0) // read before ticket 2 lost a part: unknown outcome
	if cached(t, c, "printer") != nil {
		t.Fatal("a set read before a replaced part of one of its tickets was kept")
	}
	_, _, gen := c.get("mouse")
	c.Apply([]Change{{Kind: ResetAll}})
	c.put("mouse", setOf(1), gen)
	if cached(t, c, "mouse") != nil {
		t.Fatal("a set read before a reset was kept")
	}
	_, _, gen = c.get("badge")
	for i := range termLogSize + 1 {
		c.Apply([]Change{{Kind: AddDoc, Ticket: int64(i), Doc: "x"}})
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
	c := NewCache(nil)
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
	c := NewCache(nil)
	c.Apply([]Change{{Kind: AddDoc, Ticket: 1, Doc: "salary canary42"}, {Kind: AddDoc, Ticket: 2, Doc: "printer"}})
	c.Apply([]Change{{Kind: RemoveTicket, Ticket: 1}})
	for _, ch := range c.log {
		if strings.Contains(ch.Doc, "canary42") {
			t.Fatalf("the log still holds the removed ticket's text: %+v", ch)
		}
	}
	if c.logBytes != len("printer") {
		t.Fatalf("logBytes = %d, want %d", c.logBytes, len("printer"))
	}
}

// TestTermCacheHoldsTimesLoadedDuringCommit: a load of the tickets' times that
// ends while a commit is under way may have read before it, so its columns
// wait for that commit's changes instead of serving pages that lag them.
func TestTermCacheHoldsTimesLoadedDuringCommit(t *testing.T) {
	c := NewCache(nil)
	c.loadTimes = func(uint64) {} // the test hands the load's result in itself
	c.wantTimes()
	c.Committing()
	read := (&timeCols{}).grown(2).with(Change{Kind: SetTimes, Ticket: 1, Created: 10, Updated: 10})
	c.timesLoaded(c.times.epoch, read, map[string]idset.Set{"incident": setOf(1)}, nil)
	if c.TimesReady() || c.Len() != 0 {
		t.Fatal("times read before a commit under way were installed before it was applied")
	}
	c.Apply([]Change{{Kind: SetTimes, Ticket: 1, Created: 10, Updated: 30}, {Kind: SetTimes, Ticket: 2, Created: 20, Updated: 20}})
	cols := c.times.cols.Load()
	if cols == nil || cols.time(1, false) != 30 || cols.time(2, true) != 20 {
		t.Fatal("the held load was not installed with the commit's changes on top")
	}
	if got := cached(t, c, FacetKey("type", "incident")); !slices.Equal(got, []int64{1}) {
		t.Fatalf("type set after the commit: %v, want [1]", got)
	}
}

// TestFlagBufsRecycleAFew: an engine's searches hand their flag buffers back
// to it, it keeps a few of them for the next searches, and a search without
// buffers to recycle still binds its flags.
func TestFlagBufsRecycleAFew(t *testing.T) {
	var big idset.Set
	for id := range int64(3 * driveSetMax) {
		big.Add(id)
	}
	ft := &FullText{Has: "has(%s, %s)"}
	bufs := make(flagBufs, flagBufsKept)
	w := &sqlWhere{ft: ft, bufs: bufs}
	for range flagBufsKept + 2 {
		w.setCond(big)
	}
	w.release()
	if len(bufs) != flagBufsKept || w.flags != nil {
		t.Fatalf("kept %d buffers, want %d", len(bufs), flagBufsKept)
	}
	next := &sqlWhere{ft: ft, bufs: bufs}
	next.setCond(big)
	if len(bufs) != flagBufsKept-1 {
		t.Fatal("the next search did not take a kept buffer")
	}
	none := &sqlWhere{ft: ft}
	none.setCond(big)
	none.release()
	if b, ok := none.args[0].([]byte); !ok || len(b) < int(3*driveSetMax) {
		t.Fatalf("a search without recycled buffers bound %T", none.args[0])
	}
}

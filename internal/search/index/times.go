package index

import (
	"context"
	"database/sql"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"

	"github.com/twindesk/twindesk/internal/idset"
	"github.com/twindesk/twindesk/internal/model"
)

// ticketTimes holds every live ticket's created_at and updated_at in memory,
// by id: 16 bytes a ticket, 16 MB at a million. A search whose matches are
// already a set in Go (a folded Memo, or one tag) picks its page's ids
// from them and looks up only those rows. Sorting in SQLite instead looks up
// the row of every match, or walks the updated_at index and probes each
// ticket; at a million tickets that took most of a search's CPU.
//
// The term cache owns it and keeps it exact the same way as its sets: the
// writer applies each commit's ticket changes (SetTimes, RemoveTicket) in
// order, under the cache's lock. Searches read the columns without that lock,
// through atomics, so a broad search never holds up the writer. The columns
// are filled in the background by one scan of the tickets table, started by
// the first search that wants them; changes committed while the scan runs are
// queued and replayed on top of it. Each change assigns a ticket's times, so
// replaying one the scan already saw does no harm.
type ticketTimes struct {
	state timesState
	// epoch counts the loads started; a load whose epoch is no longer current
	// (a reset came in while it ran) is thrown away.
	epoch uint64
	// gen is the cache's gen when the running load started: its scan's
	// snapshot holds every commit up to it (put).
	gen     uint64
	pending []Change
	// loaded holds a finished load while a commit is under way (Committing):
	// its scan may predate that commit, so it waits for the commit's changes
	// to queue up in pending (installLoadedTimes).
	loaded   *loadedTimes
	failedAt time.Time
	// cols is nil unless state is timesReady.
	cols atomic.Pointer[timeCols]
}

type timesState int

const (
	timesEmpty timesState = iota
	timesLoading
	timesReady
)

// timesRetry is how long after a failed load the next one may start.
const timesRetry = 10 * time.Second

// timeCols are the two columns, indexed by ticket id; 0 marks no live ticket.
// They are held in chunks of timesChunkIDs ids, so that ids growing past the end
// add a chunk instead of copying the columns: a copy made the first creates
// after a start allocate 20 MB and drop 16 MB at a million tickets, most of
// that start's peak RSS. Only the writer stores into them (under the cache's
// lock); a larger timeCols shares the chunks of the one it replaces.
type timeCols struct {
	chunks []*timesChunk
}

// timesChunkIDs is the number of ids per chunk: 1 MB of times and bounds.
const timesChunkIDs = 1 << 16

// timesChunk holds the times of timesChunkIDs consecutive ids. createdMax and
// updatedMax hold, per block of 64 ids (idset's blocks), a time no ticket of
// the block exceeds: a newest-first page skips a block whose bound comes after
// its last entry. A bound only rises; one left high by a delete is still a
// bound.
type timesChunk struct {
	created, updated       [timesChunkIDs]atomic.Int64
	createdMax, updatedMax [timesChunkIDs / 64]atomic.Int64
}

// size is one past the highest id the columns have room for.
func (cols *timeCols) size() int64 { return int64(len(cols.chunks)) * timesChunkIDs }

// time returns ticket id's created_at (byCreated) or updated_at; 0 when no
// live ticket has that id.
func (cols *timeCols) time(id int64, byCreated bool) int64 {
	if id < 0 || id >= cols.size() {
		return 0
	}
	p := cols.chunks[id/timesChunkIDs]
	if byCreated {
		return p.created[id%timesChunkIDs].Load()
	}
	return p.updated[id%timesChunkIDs].Load()
}

// bound returns the bound of block (ids block*64 to block*64+63), and false
// past the columns' end.
func (cols *timeCols) bound(block int, byCreated bool) (int64, bool) {
	const perChunk = timesChunkIDs / 64
	if block < 0 || block >= len(cols.chunks)*perChunk {
		return 0, false
	}
	p := cols.chunks[block/perChunk]
	if byCreated {
		return p.createdMax[block%perChunk].Load(), true
	}
	return p.updatedMax[block%perChunk].Load(), true
}

// applyTimes applies one committed change to the columns, or queues it while
// they load. The caller holds the cache's lock.
func (c *Cache) applyTimes(ch Change) {
	t := &c.times
	switch {
	case ch.Kind == ResetAll:
		t.state, t.pending, t.loaded = timesEmpty, nil, nil
		t.epoch++
		t.cols.Store(nil)
	case ch.Kind != SetTimes && ch.Kind != RemoveTicket:
	case t.state == timesLoading:
		t.pending = append(t.pending, ch)
	case t.state == timesReady:
		t.cols.Store(t.cols.Load().with(ch))
	}
}

// with applies ch and returns the columns to use from now on: cols, or
// columns with more chunks when ch's id is past their end.
func (cols *timeCols) with(ch Change) *timeCols {
	id := ch.Ticket
	if id < 0 {
		return cols
	}
	if id >= cols.size() {
		if ch.Kind == RemoveTicket {
			return cols
		}
		cols = cols.grown(id + 1)
	}
	if ch.Kind == RemoveTicket {
		ch.Created, ch.Updated = 0, 0
	}
	p, i := cols.chunks[id/timesChunkIDs], id%timesChunkIDs
	p.created[i].Store(ch.Created)
	p.updated[i].Store(ch.Updated)
	raise(&p.createdMax[i/64], ch.Created)
	raise(&p.updatedMax[i/64], ch.Updated)
	return cols
}

// raise lifts bound to at least v; only the writer stores bounds.
func raise(bound *atomic.Int64, v int64) {
	if v > bound.Load() {
		bound.Store(v)
	}
}

// grown returns columns with room for ids below n: cols's chunks, and new empty
// ones after them.
func (cols *timeCols) grown(n int64) *timeCols {
	chunks := slices.Clone(cols.chunks)
	for int64(len(chunks))*timesChunkIDs < n {
		chunks = append(chunks, new(timesChunk))
	}
	return &timeCols{chunks: chunks}
}

// wantTimes returns the columns, or nil while they aren't loaded, after
// starting a load if none is running.
func (c *Cache) wantTimes() *timeCols {
	if cols := c.times.cols.Load(); cols != nil {
		return cols
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &c.times
	if t.state == timesEmpty && c.loadTimes != nil && time.Since(t.failedAt) >= timesRetry {
		t.state, t.pending, t.loaded, t.gen = timesLoading, nil, nil, c.gen
		t.epoch++
		c.loadTimes(t.epoch)
	}
	return nil
}

// timesLoaded installs the columns a load read (in a snapshot that began after
// the load started), with the changes committed since replayed on top, and
// offers the type sets it built to the cache. A load that failed, or was
// overtaken by a reset, leaves the columns empty.
func (c *Cache) timesLoaded(epoch uint64, cols *timeCols, types map[string]idset.Set, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &c.times
	if epoch != t.epoch || t.state != timesLoading {
		return
	}
	if err != nil {
		t.state, t.pending, t.failedAt = timesEmpty, nil, time.Now()
		return
	}
	t.loaded = &loadedTimes{cols: cols, types: types}
	if c.pending == 0 {
		c.installLoadedTimes()
	}
}

// loadedTimes is what a load of the tickets' times read.
type loadedTimes struct {
	cols  *timeCols
	types map[string]idset.Set
}

// installLoadedTimes installs a finished load's columns, with the changes
// committed since it started replayed on top, and offers its type sets to the
// cache. The caller holds the cache's lock and no commit is under way.
func (c *Cache) installLoadedTimes() {
	t := &c.times
	if t.loaded == nil || t.state != timesLoading {
		return
	}
	cols, types := t.loaded.cols, t.loaded.types
	for _, ch := range t.pending {
		cols = cols.with(ch)
	}
	t.state, t.pending, t.loaded = timesReady, nil, nil
	t.cols.Store(cols)
	for typ, set := range types {
		c.putLocked(FacetKey("type", typ), set, t.gen)
	}
}

// startTimesLoad reads the tickets' times in the background for the load
// numbered epoch. The cache calls it under its lock, so it can't start once
// Stop has run.
func (c *Cache) startTimesLoad(epoch uint64) {
	c.loads.Add(1)
	go func() {
		defer c.loads.Done()
		cols, types, err := readTimes(c.loadCtx, c.read())
		c.timesLoaded(epoch, cols, types, err)
	}()
}

// Warm starts the load of the tickets' times (and type sets) in the
// background, so that the first searches after a start find them ready. A nil
// cache (a backend without one) does nothing.
func (c *Cache) Warm() {
	if c != nil {
		c.wantTimes()
	}
}

// Stop keeps any further load from starting, cancels the one running and
// waits for it: the database is closing. A nil cache does nothing.
func (c *Cache) Stop() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.loadTimes = nil
	c.mu.Unlock()
	c.endLoads()
	c.loads.Wait()
}

// readTimes scans the live tickets' times, for timesLoaded: one pass over the
// table. (The indexes on created_at and updated_at hold the ids too, but
// SQLite does not read a partial index alone, so they would visit every row,
// in random order.) The same pass builds the set of each ticket type: type has
// no index, so a search's first type:incident would scan the table again.
func readTimes(ctx context.Context, q Reader) (*timeCols, map[string]idset.Set, error) {
	var maxID sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(id) FROM tickets`).Scan(&maxID); err != nil {
		return nil, nil, err
	}
	cols := (&timeCols{}).grown(maxID.Int64 + 1)
	types := map[string]idset.Set{}
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, updated_at, type FROM tickets WHERE deleted_at IS NULL`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	// One argument list for every row: a fresh one per Scan call was 48 MB of
	// garbage at a million tickets, most of the load's.
	ch := Change{Kind: SetTimes}
	var typ []byte
	dest := []any{&ch.Ticket, &ch.Created, &ch.Updated, &typ}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		cols = cols.with(ch) // grows past MAX(id) for tickets created since
		set := types[string(typ)]
		set.Add(ch.Ticket)
		types[string(typ)] = set
	}
	return cols, types, rows.Err()
}

// pageOrder is a search page's order: by created_at or updated_at, then id,
// both descending unless asc.
type pageOrder struct {
	byCreated, asc bool
}

// timeKey is one match as the page order sees it.
type timeKey struct{ at, id int64 }

// before reports whether a comes before b in the order.
func (o pageOrder) before(a, b timeKey) bool {
	if a.at != b.at {
		return (a.at < b.at) == o.asc
	}
	return (a.id < b.id) == o.asc
}

// timePage returns the ids of the tickets at [offset, offset+limit) of set in
// order o; false when the times are not loaded yet or miss a member of set
// (the caller then asks SQL).
func (c *Cache) timePage(set idset.Set, o pageOrder, offset, limit int) ([]int64, bool) {
	cols := c.wantTimes()
	if cols == nil {
		return nil, false
	}
	// The first offset+limit in order, kept in a heap whose root is the last of
	// them: a match enters only when it comes before the root. Newer tickets
	// have higher ids and mostly later times, so walking the ids the way the
	// order goes fills the heap with nearly the right ones first; newest first,
	// most older blocks then fail their bound without a look at their ids.
	h := firstN{o: o, n: offset + limit}
	visit := func(id int64) bool {
		k := timeKey{cols.time(id, o.byCreated), id}
		if k.at == 0 {
			return false
		}
		if len(h.keys) < h.n || o.before(k, h.keys[0]) {
			h.offer(k)
		}
		return true
	}
	if o.asc {
		for id := range set.All() {
			if !visit(id) {
				return nil, false
			}
		}
	} else {
		for block, w := range set.BlocksBackward() {
			bound, ok := cols.bound(block, o.byCreated)
			if !ok {
				return nil, false
			}
			// Every kept id is from a block walked before, so higher than this
			// block's ids: on a tie in time, the kept one comes first too.
			if len(h.keys) == h.n && bound <= h.keys[0].at {
				continue // no ticket of the block can come before the page's last
			}
			for ; w != 0; w &^= 1 << uint(63-bits.LeadingZeros64(w)) {
				if !visit(int64(block)<<6 + int64(63-bits.LeadingZeros64(w))) {
					return nil, false
				}
			}
		}
	}
	slices.SortFunc(h.keys, func(a, b timeKey) int {
		if o.before(a, b) {
			return -1
		}
		return 1
	})
	if offset >= len(h.keys) {
		return []int64{}, true
	}
	page := make([]int64, 0, len(h.keys)-offset)
	for _, k := range h.keys[offset:] {
		page = append(page, k.id)
	}
	return page, true
}

// firstN keeps the first n keys offered, in order o, as a heap with the last
// of them at the root.
type firstN struct {
	o    pageOrder
	n    int
	keys []timeKey
}

func (h *firstN) offer(k timeKey) {
	switch {
	case h.n <= 0:
	case len(h.keys) < h.n:
		h.keys = append(h.keys, k)
		h.up(len(h.keys) - 1)
	case h.o.before(k, h.keys[0]):
		h.keys[0] = k
		h.down(0)
	}
}

// later reports whether key i comes after key j: the heap's order.
func (h *firstN) later(i, j int) bool { return h.o.before(h.keys[j], h.keys[i]) }

func (h *firstN) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.later(i, parent) {
			return
		}
		h.keys[i], h.keys[parent] = h.keys[parent], h.keys[i]
		i = parent
	}
}

func (h *firstN) down(i int) {
	for {
		last := i
		for _, child := range []int{2*i + 1, 2*i + 2} {
			if child < len(h.keys) && h.later(child, last) {
				last = child
			}
		}
		if last == i {
			return
		}
		h.keys[i], h.keys[last] = h.keys[last], h.keys[i]
		i = last
	}
}

// pageFromSet reads a search page by picking its ids from the in-memory times
// (timePage) when the query's matches are exactly a set in Go: free text with
// every condition folded into its set, or one tag alone. False leaves the page
// to SQL: another kind of query or order, a cursor, or times not loaded yet.
func (q *run) pageFromSet(ctx context.Context, p Params) ([]model.Ticket, bool, error) {
	by, dir := sortKeys(p)
	if q.terms == nil || p.Cursor || len(p.Query.IDs) > 0 || (by != "" && by != "updated_at" && by != "created_at") {
		return nil, false, nil
	}
	set, ok, err := q.exactSet(ctx, p)
	if !ok || err != nil {
		return nil, false, err
	}
	ids, ok := q.terms.timePage(set, pageOrder{byCreated: by == "created_at", asc: dir == "asc"}, p.Offset, p.Limit)
	if !ok {
		return nil, false, nil
	}
	rows, err := q.r.TicketsByIDs(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	// Back in page order; a ticket deleted since the set was read is left out.
	byID := make(map[int64]model.Ticket, len(rows))
	for _, t := range rows {
		byID[t.ID] = t
	}
	page := make([]model.Ticket, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			page = append(page, t)
		}
	}
	if len(page) == 0 {
		return nil, true, nil // as the SQL plans answer no match, whichever plan ran
	}
	return page, true, nil
}

// exactSet returns the set of the tickets p's query matches, when it is known
// in Go; false otherwise.
func (q *run) exactSet(ctx context.Context, p Params) (idset.Set, bool, error) {
	if tag, ok := onlyTag(p.Query); ok {
		set, err := q.tagSet(ctx, tag)
		return set, err == nil, err
	}
	pos, neg := textTerms(p.Query)
	if len(pos) == 0 {
		return idset.Set{}, false, nil
	}
	m, err := q.foldedMatches(ctx, p, pos, neg)
	if err != nil {
		return idset.Set{}, false, err
	}
	return m.set, len(m.rest) == 0, nil
}

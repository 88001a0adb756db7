package index

import (
	"slices"
	"sync/atomic"
	"time"
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

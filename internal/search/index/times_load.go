package index

import (
	"context"
	"database/sql"
	"time"

	"github.com/twindesk/twindesk/internal/idset"
)

// The load of the tickets' times (ticketTimes): started by the first search
// that wants them, read by one scan in the background, installed once no
// commit is under way with the changes committed meanwhile replayed on top.

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

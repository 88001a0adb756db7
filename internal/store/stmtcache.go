package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// maxCachedStatements bounds each cache; twindesk has a few hundred distinct
// static statements. Dynamically built ones (search, IN lists, filters) come and
// go: the least recently used statement is closed to make room, so a burst of
// one-off searches can't fill the cache and leave the static statements
// unprepared for good.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per SQL text on a pool. SQLite compiles
// every statement it runs; preparing once per connection and reusing the statement
// saves that work on every read.
type stmtCache struct {
	db  *sql.DB
	mu  sync.Mutex
	lru *simplelru.LRU[string, *cachedStmt]
}

// cachedStmt is a cached statement and how many calls are using it: an evicted
// statement is closed once the last of them has returned (rows they opened
// keep it alive by themselves: database/sql closes it after them).
type cachedStmt struct {
	st      *sql.Stmt
	users   int
	evicted bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	c := &stmtCache{db: db}
	c.lru, _ = simplelru.NewLRU(maxCachedStatements, func(_ string, e *cachedStmt) { // size > 0: no error
		e.evicted = true
		if e.users == 0 {
			_ = e.st.Close()
		}
	})
	return c
}

// get returns the prepared statement for query in use (call put when done), or
// nil when it can't be prepared.
//
// It prepares without holding the lock: preparing may wait for a connection of
// the pool, and a caller holding one (a Row not scanned yet) needs the lock in
// put before it lets the connection go. Preparing under the lock deadlocked
// every reader of the pool once all its connections were held that way.
func (c *stmtCache) get(ctx context.Context, query string) *cachedStmt {
	if e, found, closed := c.lookup(query); found || closed {
		return e
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared path will report the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil {
		_ = st.Close()
		return nil
	}
	e, ok := c.lru.Get(query)
	if ok { // another caller prepared it meanwhile
		_ = st.Close()
	} else {
		e = &cachedStmt{st: st}
		c.lru.Add(query, e)
	}
	e.users++
	return e
}

// lookup returns query's cached statement in use, if there is one; closed says
// the cache is closed.
func (c *stmtCache) lookup(query string) (e *cachedStmt, found, closed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru == nil {
		return nil, false, true
	}
	if e, found = c.lru.Get(query); found {
		e.users++
	}
	return e, found, false
}

// put ends a use of e that get began.
func (c *stmtCache) put(e *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.users--
	if e.evicted && e.users == 0 {
		_ = e.st.Close()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru != nil {
		c.lru.Purge() // closes each unused statement; one in use is closed by its put
		c.lru = nil
	}
}

// cachedPool runs statements on a pool through the cache.
type cachedPool struct {
	db    *sql.DB
	cache *stmtCache
}

func (p cachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if e := p.cache.get(ctx, query); e != nil {
		defer p.cache.put(e)
		return e.st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p cachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if e := p.cache.get(ctx, query); e != nil {
		defer p.cache.put(e)
		return e.st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p cachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if e := p.cache.get(ctx, query); e != nil {
		defer p.cache.put(e)
		return e.st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// writeStmts keeps the writer's prepared statements across transactions. SQLite
// has one writer connection and a transaction holds it, so a statement first seen
// inside a transaction is prepared on that transaction only, and its text is
// noted; the batcher prepares the noted texts on the pool once the transaction
// has ended and the connection is free again. Later transactions bind the pool's
// statement to themselves (Tx.StmtContext), which database/sql serves from the
// statement already prepared on the connection: no SQL is parsed again.
// Only the batcher goroutine touches it, so it needs no lock; and it evicts
// only in preparePending, when no transaction can be using a statement.
type writeStmts struct {
	db      *sql.DB
	lru     *simplelru.LRU[string, *sql.Stmt]
	pending map[string]bool
}

func newWriteStmts(db *sql.DB) *writeStmts {
	l, _ := simplelru.NewLRU(maxCachedStatements, func(_ string, st *sql.Stmt) { _ = st.Close() }) // size > 0: no error
	return &writeStmts{db: db, lru: l, pending: map[string]bool{}}
}

// lookup returns the pool statement for query, or nil after noting it for prepare.
func (w *writeStmts) lookup(query string) *sql.Stmt {
	if w == nil {
		return nil
	}
	if st, ok := w.lru.Get(query); ok {
		return st
	}
	if len(w.pending) < maxCachedStatements {
		w.pending[query] = true
	}
	return nil
}

// preparePending prepares the noted statements. Call it only while no transaction
// holds the writer connection, or it waits for one forever.
func (w *writeStmts) preparePending(ctx context.Context) {
	if w == nil {
		return
	}
	for query := range w.pending {
		delete(w.pending, query)
		if st, err := w.db.PrepareContext(ctx, query); err == nil {
			w.lru.Add(query, st)
		} // on error the statement keeps being prepared per transaction, which reports it
	}
}

func (w *writeStmts) close() {
	if w == nil || w.lru == nil {
		return
	}
	w.lru.Purge()
	w.lru = nil
}

package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the cache; twindesk has a few hundred distinct
// statements, and dynamically built ones (search, IN lists) beyond the bound are
// simply run unprepared.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per SQL text on a pool. SQLite compiles
// every statement it runs; preparing once per connection and reusing the statement
// saves that work on every read.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// get returns the prepared statement for query, or nil when it can't be cached.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared path will report the error
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = nil
}

// cachedPool runs statements on a pool through the cache.
type cachedPool struct {
	db    *sql.DB
	cache *stmtCache
}

func (p cachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.cache.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p cachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.cache.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p cachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.cache.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
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
// Only the batcher goroutine touches it, so it needs no lock.
type writeStmts struct {
	db      *sql.DB
	m       map[string]*sql.Stmt
	pending map[string]bool
}

func newWriteStmts(db *sql.DB) *writeStmts {
	return &writeStmts{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// lookup returns the pool statement for query, or nil after noting it for prepare.
func (w *writeStmts) lookup(query string) *sql.Stmt {
	if w == nil {
		return nil
	}
	if st, ok := w.m[query]; ok {
		return st
	}
	if len(w.m)+len(w.pending) < maxCachedStatements {
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
			w.m[query] = st
		} // on error the statement keeps being prepared per transaction, which reports it
	}
}

func (w *writeStmts) close() {
	if w == nil {
		return
	}
	for _, st := range w.m {
		_ = st.Close()
	}
	w.m = nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// maxBatch bounds how many write transactions share one commit.
const maxBatch = 64

// ErrClosed is returned by writes submitted after Close.
var ErrClosed = errors.New("store: database is closed")

// writeReq is one caller's write transaction waiting for the batcher.
type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// batcher gives SQLite's single writer group commit: the write transactions that
// queued up while the previous commit ran are executed one after another inside one
// database transaction, each in its own SAVEPOINT, and committed together. A caller
// whose function fails is rolled back to its savepoint alone; the others commit.
// One commit (one WAL append) then serves many requests, which is what lets the
// single writer keep up with concurrent API clients.
func (db *DB) batcher() {
	defer close(db.batcherDone)
	for {
		select {
		case <-db.closed:
			return
		case req := <-db.batch:
			reqs := []*writeReq{req}
			// A lone request is usually the first of a burst whose senders are
			// still decoding their bodies: yield once so they can queue up and
			// share this commit. Without it, half the batches of a create
			// benchmark held one request (4.3 per commit on average, 6.5 with
			// it) and each paid a whole commit; creates went from 1,611 to
			// 1,910 a second (docs/benchmarks.md, seventh session). When
			// nothing else is runnable the yield returns at once.
			if len(db.batch) == 0 {
				runtime.Gosched()
			}
		collect:
			for len(reqs) < maxBatch {
				select {
				case r := <-db.batch:
					reqs = append(reqs, r)
				default:
					break collect
				}
			}
			db.runBatch(reqs)
			db.writeStmts.preparePending(context.Background())
		}
	}
}

func (db *DB) runBatch(reqs []*writeReq) {
	if len(reqs) == 1 {
		reqs[0].done <- db.runOne(reqs[0])
		return
	}
	// The batch outlives any one caller: it runs on a background context, and each
	// caller's own context still governs the statements its function runs.
	began := time.Now()
	sqlTx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range reqs {
			r.done <- fmt.Errorf("store: begin: %w", err)
		}
		return
	}
	tx := db.newTx(sqlTx)
	results := make([]error, len(reqs))
	for i, r := range reqs {
		if results[i] = r.ctx.Err(); results[i] != nil {
			continue
		}
		if results[i] = db.runSaved(tx, r.fn); errors.Is(results[i], errBatchBroken) {
			_ = sqlTx.Rollback()
			for _, r := range reqs {
				r.done <- results[i]
			}
			return
		}
	}
	changes, err := tx.flushIndex(context.Background())
	if err != nil {
		_ = sqlTx.Rollback()
		for _, r := range reqs {
			r.done <- err
		}
		return
	}
	commitErr := db.commit(sqlTx)
	if commitErr == nil {
		db.observeCommit(len(reqs), began)
		db.afterCommit(changes)
		tx.runAfterCommit()
	}
	for i, r := range reqs {
		if results[i] == nil && commitErr != nil {
			results[i] = fmt.Errorf("store: commit: %w", commitErr)
		}
		r.done <- results[i]
	}
}

// runOne runs a lone request as a plain transaction. A panic in its function must
// not end the batcher, which every writer depends on: it becomes the caller's error.
func (db *DB) runOne(r *writeReq) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write transaction panicked: %v", p)
		}
	}()
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return db.writeTx(r.ctx, r.fn)
}

// errBatchBroken means a savepoint could not be released or rolled back: the
// whole batch transaction is unusable.
var errBatchBroken = errors.New("store: write batch broken")

// runSaved runs fn inside a savepoint, rolling back to it when fn fails or panics.
func (db *DB) runSaved(tx *Tx, fn func(tx *Tx) error) (err error) {
	ctx := context.Background()
	if _, err := tx.SQL.ExecContext(ctx, `SAVEPOINT w`); err != nil {
		return fmt.Errorf("%w: savepoint: %w", errBatchBroken, err)
	}
	flushed, after := len(tx.index.flushed), len(tx.after)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write transaction panicked: %v", p)
		}
		if err != nil {
			tx.index.ops, tx.index.flushed, tx.after = nil, tx.index.flushed[:flushed], tx.after[:after]
			if _, rbErr := tx.SQL.ExecContext(ctx, `ROLLBACK TO w`); rbErr != nil {
				err = fmt.Errorf("%w: rollback to savepoint: %w", errBatchBroken, rbErr)
				return
			}
		}
		if _, relErr := tx.SQL.ExecContext(ctx, `RELEASE w`); relErr != nil {
			err = fmt.Errorf("%w: release savepoint: %w", errBatchBroken, relErr)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	// The caller's full-text writes run inside its savepoint, so one that fails
	// (a duplicate part, a bad document) rolls back that caller alone instead of
	// the whole batch at commit.
	return tx.runIndexOps(ctx)
}

// txStmts prepares each distinct statement once per transaction and reuses it.
// Prepared on the transaction's own connection, so nothing waits for another one;
// in a batch of many callers, SQLite compiles each statement once per commit
// instead of once per caller.
// With shared set, statements the writer prepared in earlier transactions are
// reused instead (writeStmts).
type txStmts struct {
	tx     *sql.Tx
	m      map[string]*sql.Stmt
	shared *writeStmts
}

func (t *txStmts) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.m[query]; ok {
		return st, nil
	}
	if st := t.shared.lookup(query); st != nil {
		st = t.tx.StmtContext(ctx, st)
		t.m[query] = st
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.m[query] = st
	return st, nil
}

func (t *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t *txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// Package store keeps twindesk's data in a SQL database. One implementation over
// database/sql serves both backends; the sqlite and postgres subpackages open the
// database, apply their dialect's migrations and describe the few differences.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search/index"
)

// Dialect names what differs between backends.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation func(err error) bool
	// IsRetryable reports whether err ended a transaction that may simply run
	// again: PostgreSQL aborted it to break a deadlock or a serialization
	// conflict. Nil on SQLite, whose one writer can't deadlock.
	IsRetryable func(err error) bool
	// AfterPurge runs after a permanent delete has committed, so freed pages holding
	// confidential text are scrubbed (WAL checkpoint on SQLite, VACUUM and index
	// rebuilds on PostgreSQL). It returns nil only when the scrub is complete: DB.Scrub
	// then clears the scrubs owed (scrubs.go).
	AfterPurge func(ctx context.Context, db *sql.DB) error
	// FullText is the backend's full-text index of tickets (package
	// search/index), which write transactions keep up to date (search_index.go).
	FullText index.FullText
	// BatchWrites gives the single writer group commit (SQLite).
	BatchWrites bool
	// CacheStatements prepares each statement once per connection and reuses it
	// (SQLite; pgx already caches prepared statements itself).
	CacheStatements bool
	// Background, when set, runs from New until Close (SQLite's checkpointer).
	// commits receives a value after writes commit; several commits in a row
	// may share one value.
	Background func(ctx context.Context, commits <-chan struct{})
	// MigrationLock, when set, runs fn holding the lock under which migrations
	// run, so nodes starting together on one database migrate one at a time.
	MigrationLock func(ctx context.Context, db *sql.DB, fn func() error) error
}

// DB is an open twindesk database: a writer pool, a reader pool and a dialect.
// On SQLite the writer pool has a single connection, as SQLite has one writer.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect Dialect
	// readStmts is nil unless the dialect caches statements.
	readStmts *stmtCache
	// writeStmts keeps the single writer's statements prepared across
	// transactions; nil unless the dialect batches writes.
	writeStmts *writeStmts
	// terms is the search engine's cache of match sets when the dialect
	// combines them in Go (FullText.IDSet); nil otherwise. Each commit's index
	// changes go to it (committed). dataVersion is the writer connection's last
	// PRAGMA data_version, which moves only when another process writes.
	terms       *index.Cache
	dataVersion int64
	// searcher is the search engine over this database (package search/index).
	searcher index.Searcher
	// batch, closed and batcherDone run group commit when the dialect asks for it.
	batch       chan *writeReq
	closed      chan struct{}
	batcherDone chan struct{}
	closeOnce   sync.Once
	// commits, stopBackground and backgroundDone run Dialect.Background.
	commits        chan struct{}
	stopBackground context.CancelFunc
	backgroundDone chan struct{}
	// commitObserver hears each commit (metrics); set once, before use.
	commitObserver CommitObserver
}

// New wraps already-opened pools. read may equal write.
func New(write, read *sql.DB, d Dialect) *DB {
	db := &DB{write: write, read: read, dialect: d}
	reader := func() index.Reader { return db.Read() }
	if d.FullText.IDSet != "" {
		db.terms = index.NewCache(reader)
	}
	db.searcher = index.New(d.FullText, db.terms, reader)
	if d.BatchWrites {
		// Unbuffered: a send succeeds only when the batcher takes it, so no request
		// can be stranded in a buffer after Close.
		db.batch, db.closed, db.batcherDone = make(chan *writeReq), make(chan struct{}), make(chan struct{})
		if d.CacheStatements {
			db.writeStmts = newWriteStmts(write)
		}
		go db.batcher()
	}
	if d.CacheStatements {
		db.readStmts = newStmtCache(read)
	}
	if d.Background != nil {
		var ctx context.Context
		ctx, db.stopBackground = context.WithCancel(context.Background())
		db.commits, db.backgroundDone = make(chan struct{}, 1), make(chan struct{})
		go func() {
			defer close(db.backgroundDone)
			d.Background(ctx, db.commits)
		}()
	}
	return db
}

// Dialect returns the backend's dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// Retryable reports whether err ended a write transaction that may run again
// as it was (Dialect.IsRetryable).
func (db *DB) Retryable(err error) bool {
	return err != nil && db.dialect.IsRetryable != nil && db.dialect.IsRetryable(err)
}

// Migrating runs fn, which migrates tables beside twindesk's (River's), under the
// dialect's MigrationLock when it has one.
func (db *DB) Migrating(ctx context.Context, fn func() error) error {
	if db.dialect.MigrationLock == nil {
		return fn()
	}
	return db.dialect.MigrationLock(ctx, db.write, fn)
}

// WriteDB is the writer pool, used by the job queue which must share the writer.
func (db *DB) WriteDB() *sql.DB { return db.write }

// Close closes both pools.
func (db *DB) Close() error {
	if db.batch != nil {
		db.closeOnce.Do(func() { close(db.closed) })
		<-db.batcherDone
		db.writeStmts.close() // the batcher, its only user, has stopped
	}
	db.terms.Stop() // before the pools close: its loads read through them
	if db.readStmts != nil {
		db.readStmts.close()
	}
	if db.stopBackground != nil {
		db.stopBackground()
		<-db.backgroundDone
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Read returns queries over the reader pool.
func (db *DB) Read() *Queries {
	if db.readStmts != nil {
		return &Queries{q: cachedPool{db.read, db.readStmts}, d: &db.dialect}
	}
	return &Queries{q: db.read, d: &db.dialect}
}

// Tx is a write transaction: all queries plus the underlying *sql.Tx, which the job
// queue uses to insert jobs in the same commit.
type Tx struct {
	Queries
	SQL *sql.Tx
	// after holds AfterCommit's functions.
	after []func()
}

// AfterCommit runs fn once tx has committed, on the writer, before the caller's
// WriteTx returns. fn is dropped when the caller's work is rolled back. It must be
// quick: with group commit, the next batch waits for it.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

func (tx *Tx) runAfterCommit() {
	for _, fn := range tx.after {
		fn()
	}
}

// newTx wraps a write transaction. With group commit, its statements are
// prepared once and reused (txStmts); otherwise they run directly.
func (db *DB) newTx(sqlTx *sql.Tx) *Tx {
	var q querier = sqlTx
	if db.batch != nil {
		q = &txStmts{tx: sqlTx, m: map[string]*sql.Stmt{}, shared: db.writeStmts}
	}
	return &Tx{Queries: Queries{q: q, d: &db.dialect, index: &indexQueue{}}, SQL: sqlTx}
}

// WriteTx runs fn in one write transaction, committing when fn returns nil and
// rolling back otherwise. On SQLite, transactions submitted concurrently share
// commits (see batcher); each still commits or rolls back as a whole.
func (db *DB) WriteTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.batch == nil {
		return db.writeTx(ctx, fn)
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.batch <- req:
	case <-db.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.done
}

func (db *DB) writeTx(ctx context.Context, fn func(tx *Tx) error) error {
	began := time.Now()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := db.newTx(sqlTx)
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback() // free the connection, then let the panic go on
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	changes, err := tx.flushIndex(ctx)
	if err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := db.commit(sqlTx); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	db.observeCommit(1, began)
	db.afterCommit(changes)
	tx.runAfterCommit()
	return nil
}

// afterCommit runs on the writer after each commit: it brings the term cache up
// to date and wakes Dialect.Background.
func (db *DB) afterCommit(changes []index.Change) {
	db.committed(changes)
	if db.commits == nil {
		return
	}
	select {
	case db.commits <- struct{}{}:
	default: // the last signal is still unread, and stands for this commit too
	}
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries runs statements on a pool or inside a transaction.
type Queries struct {
	q querier
	d *Dialect
	// index holds a write transaction's full-text writes until it ends (nil
	// outside write transactions): see indexQueue.
	index *indexQueue
}

// insertID runs an INSERT ... RETURNING id.
func (q *Queries) insertID(ctx context.Context, what, query string, args ...any) (int64, error) {
	var id int64
	if err := q.q.QueryRowContext(ctx, query, args...).Scan(&id); err != nil {
		return 0, q.wrap(what, err)
	}
	return id, nil
}

// exec runs a statement and maps "no row affected" to model.ErrNotFound when
// mustAffect is set.
func (q *Queries) exec(ctx context.Context, what string, mustAffect bool, query string, args ...any) error {
	res, err := q.q.ExecContext(ctx, query, args...)
	if err != nil {
		return q.wrap(what, err)
	}
	if mustAffect {
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
		}
	}
	return nil
}

// wrap maps driver errors to model sentinels once, here.
func (q *Queries) wrap(what string, err error) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, model.ErrNotFound)
	case q.d.IsUniqueViolation != nil && q.d.IsUniqueViolation(err):
		return fmt.Errorf("store: %s: %w: %w", what, model.ErrConflict, err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// Migrate applies the numbered NNN_name.sql files of fsys that the database has not
// seen, each in its own transaction with its version row. "Not seen" is by version,
// not "above the highest": a migration numbered below one already applied (work
// merged out of number order) is still applied. It refuses to run against a
// database whose schema is newer than this binary knows.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	files, err := migrationFiles(fsys)
	if err != nil {
		return err
	}
	applied, current, err := appliedMigrations(ctx, db)
	if err != nil {
		return err
	}
	if latest := files[len(files)-1].version; current > latest {
		return fmt.Errorf("store: database schema version %d is newer than this binary's %d; upgrade twindesk", current, latest)
	}
	for _, f := range files {
		if applied[f.version] {
			continue
		}
		if err := applyMigration(ctx, db, fsys, f); err != nil {
			return err
		}
	}
	return nil
}

// appliedMigrations reads the versions recorded in schema_migrations and the highest.
func appliedMigrations(ctx context.Context, db *sql.DB) (map[int64]bool, int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, 0, fmt.Errorf("store: schema versions: %w", err)
	}
	defer rows.Close()
	applied, highest := map[int64]bool{}, int64(0)
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, 0, fmt.Errorf("store: schema versions: %w", err)
		}
		applied[v], highest = true, max(highest, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: schema versions: %w", err)
	}
	return applied, highest, nil
}

type migrationFile struct {
	version int64
	name    string
}

func migrationFiles(fsys fs.FS) ([]migrationFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var files []migrationFile
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %q is not named NNN_name.sql", e.Name())
		}
		files = append(files, migrationFile{version: v, name: e.Name()})
	}
	if len(files) == 0 {
		return nil, errors.New("store: no migrations embedded")
	}
	sort.Slice(files, func(i, j int) bool { return files[i].version < files[j].version })
	return files, nil
}

func applyMigration(ctx context.Context, db *sql.DB, fsys fs.FS, f migrationFile) error {
	body, err := fs.ReadFile(fsys, f.name)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", f.name, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", f.name, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("store: migrate %s: %w", f.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, f.version, time.Now().Unix()); err != nil {
		return fmt.Errorf("store: record %s: %w", f.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit %s: %w", f.name, err)
	}
	return nil
}

// Timestamps are stored as Unix microseconds in BIGINT columns: the same type on both
// backends, sortable, and exact to round-trip.
func ts(t time.Time) int64 { return t.UnixMicro() }

func fromTS(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullID stores a zero id ("none") as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

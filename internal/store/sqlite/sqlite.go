// Package sqlite opens a twindesk database in an embedded SQLite file.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/twindesk/twindesk/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data directory.
const FileName = "twindesk.db"

// Open opens (creating if needed) the database in dataDir and applies migrations.
// Writes go through a single connection, as SQLite allows one writer; reads use a
// separate pool that sees committed data thanks to WAL.
func Open(ctx context.Context, dataDir string) (*store.DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	if err := prepare(ctx, path); err != nil {
		return nil, err
	}
	write, err := openPool(path, 1, "immediate", []string{fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointPages)})
	if err != nil {
		return nil, err
	}
	// Readers copy pages into small private caches, which SQLite empties after
	// every commit. They used to map the file (mmap_size 1 GiB),
	// when a search page read thousands of rows; since pages are picked in
	// memory (search/index/times.go) a request reads few pages, and the map
	// cost more than it saved: after each commit every reader unmapped all of
	// it and faulted the pages in again (10% of CPU in a mix at 300 requests/s),
	// and the mapped pages counted in the process's RSS, up to 1 GB at a
	// million tickets. Without it: p99 5.9 against 8.4 ms and 17% less CPU at
	// 500 requests/s (docs/benchmarks.md, sixth session).
	// A request reads tens of pages between two commits, so 500 KB each is
	// plenty; 2 MB each made the first seconds of searches after a start peak
	// at 162-180 MB of RSS at a million tickets, 500 KB at 128-153 MB, with
	// the same latencies (docs/benchmarks.md, seventh session).
	read, err := openPool(path, max(4, runtime.NumCPU()*2), "deferred", []string{"cache_size(-500)"})
	if err != nil {
		_ = write.Close()
		return nil, err
	}
	// The checkpointer's connection also runs the scrubs (truncateWAL), with a
	// short busy timeout: a TRUNCATE checkpoint holds off every writer while it
	// waits for readers, so each try may stall writes only that long.
	ckpt, err := openPool(path, 1, "deferred", []string{fmt.Sprintf("busy_timeout(%d)", scrubBusyTimeout.Milliseconds())})
	if err != nil {
		_ = write.Close()
		_ = read.Close()
		return nil, err
	}
	d := Dialect()
	d.Background = checkpointer(ckpt)
	d.AfterPurge = func(ctx context.Context, _ *sql.DB) error { return truncateWAL(ctx, ckpt) }
	return store.New(write, read, d), nil
}

// prepare migrates the database and gathers the query planner's statistics on
// a connection of its own, closed before the pools open: a connection keeps
// the row counts it planned with even after their statistics are dropped, and
// the writer's must come from the statistics as gatherStatistics leaves them.
func prepare(ctx context.Context, path string) (err error) {
	db, err := openPool(path, 1, "immediate", nil)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	sub, _ := fs.Sub(migrations, "migrations")
	if err := store.Migrate(ctx, db, sub); err != nil {
		return err
	}
	// Statistics for the query planner: SQLite analyzes the tables that were
	// never analyzed, lack statistics for an index or changed much since, with
	// a small sample. Without them a filter with no index of its own (type,
	// subject) can be planned as a walk of a live-ticket index that visits
	// every row in random order: seconds at a million tickets instead of a
	// plain scan. A no-op when nothing changed; about 2 s at a million tickets
	// when something did.
	return gatherStatistics(ctx, db)
}

// gatherStatistics runs PRAGMA optimize, then drops what it recorded for the
// full-text index's own tables. FTS5 reaches those only by rowid or primary
// key, so statistics can't help it, and small ones hurt: a fresh database's
// data table holds 2 rows when first analyzed, and with that figure SQLite
// plans FTS5's "DELETE ... WHERE id>=? AND id<=?" as a scan of the whole
// table. FTS5 prepares the statement once per connection and runs it on every
// segment merge, so a writer that started on a small database scanned the
// ever-growing index at each merge: seeding 250,000 tickets took 4 min
// instead of 47 s. Without statistics SQLite assumes a large table and
// searches the rowid range. Connections opened before this keep the figures
// they loaded, hence prepare.
func gatherStatistics(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		return fmt.Errorf("sqlite: optimize: %w", err)
	}
	var analyzed bool
	err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1')`).Scan(&analyzed)
	if err != nil {
		return fmt.Errorf("sqlite: statistics: %w", err)
	}
	if !analyzed {
		return nil
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM sqlite_stat1 WHERE tbl LIKE 'ticket\_text\_%' ESCAPE '\'`); err != nil {
		return fmt.Errorf("sqlite: drop full-text statistics: %w", err)
	}
	return nil
}

func openPool(path string, conns int, txlock string, extra []string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_txlock", txlock)
	for _, p := range []string{
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"synchronous(NORMAL)", // durable across process crashes in WAL mode; fsync at checkpoints
		"foreign_keys(ON)",
		"secure_delete(ON)", // deleted rows are zeroed, so purged tickets leave no bytes behind
		"cache_size(-16000)",
		// Savepoint sub-journals and sort spills stay in memory: no write syscalls
		// for every page a group-commit savepoint touches, and no temporary files
		// that could hold ticket text on disk.
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	for _, p := range extra {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	return db, nil
}

// Dialect describes SQLite to the shared store code.
func Dialect() store.Dialect {
	return store.Dialect{
		Name:              "sqlite",
		CacheStatements:   true,
		BatchWrites:       true,
		IsUniqueViolation: isUniqueViolation,
		FullText:          fullText,
		// secure_delete zeroes freed pages in the database, but old page images can
		// still sit in the WAL until it is checkpointed and truncated.
		AfterPurge: truncateWAL,
	}
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

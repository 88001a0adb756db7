// Package postgres opens a twindesk database in PostgreSQL through pgx's
// database/sql driver.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/twindesk/twindesk/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to url and applies migrations. Reads and writes share one pool.
func Open(ctx context.Context, url string, opts ...Option) (*store.DB, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	// JIT compilation pays off for long analytic queries; for a search it added
	// 50-70 ms of compiling to a query that runs in a few (EXPLAIN ANALYZE at
	// 1,000,000 tickets). A jit setting in the URL's options still wins.
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	if err := migrate(ctx, db, sub); err != nil {
		_ = db.Close()
		return nil, err
	}
	d := Dialect()
	if o.rewriteTables {
		d.AfterPurge = func(ctx context.Context, pool *sql.DB) error { return scrubWith(ctx, pool, true) }
	}
	return store.New(db, db, d), nil
}

// Option configures Open.
type Option func(*options)

type options struct{ rewriteTables bool }

// WithTableRewrite makes each scrub rewrite the tables that held purged text
// (VACUUM FULL) instead of vacuuming them and rebuilding their word indexes:
// VACUUM leaves a purged row's bytes in the page's free space, a rewrite leaves
// none, at the cost of locking each table, reads included, while it is copied.
func WithTableRewrite() Option { return func(o *options) { o.rewriteTables = true } }

// migrate applies twindesk's migrations under the migration lock.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return migrationLock(ctx, db, func() error { return store.Migrate(ctx, db, fsys) })
}

// migrationLock runs fn holding an advisory lock, so that several nodes starting
// together on one database apply each migration once: twindesk's, and River's
// (store.DB.Migrating), whose migrator, run by two nodes at once, fails one of
// them with a duplicate key.
func migrationLock(ctx context.Context, db *sql.DB, fn func() error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Close()
	const lockKey = 7_411_402 // arbitrary, constant: "twindesk migrations"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey) }()
	return fn()
}

// Dialect describes PostgreSQL to the shared store code.
func Dialect() store.Dialect {
	return store.Dialect{
		Name:              "postgres",
		IsUniqueViolation: isUniqueViolation,
		IsRetryable:       isRetryable,
		FullText:          fullText,
		// Deleted tuples keep their bytes until VACUUM reclaims them, and index
		// entries until the index is rebuilt (scrub.go).
		AfterPurge:    scrub,
		MigrationLock: migrationLock,
	}
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isRetryable: deadlock_detected and serialization_failure.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

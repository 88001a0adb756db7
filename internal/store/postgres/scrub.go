package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// scrubLockKey is the advisory lock a scrub holds: arbitrary, constant.
const scrubLockKey = 7_411_403

// errScrubbing: another node's scrub is running; this one stays owed and is
// retried, and it is paid by that scrub if its purge committed before it began.
var errScrubbing = errors.New("postgres: another node is scrubbing")

// scrubTables are the tables that hold a ticket's text or words: its row
// (subject, description, tags, fields), comments, audits, full-text and tag rows,
// idempotency keys, webhook deliveries, and attachments (names in attachments,
// bytes in blob_chunks). VACUUM also covers their TOAST tables.
var scrubTables = []string{"tickets", "comments", "audits", "ticket_search", "ticket_tags", "idempotency_keys", "deliveries",
	"attachments", "blobs", "blob_chunks"}

// scrubTablesIfPresent are vacuumed too when they exist: River's jobs keep the
// errors of failed deliveries, and a database opened without the job queue has
// no river_job.
var scrubTablesIfPresent = []string{"river_job"}

// scrubIndexes are the indexes whose keys are words of tickets. VACUUM removes a
// purged row's entries from a b-tree but leaves the bytes in the page's free
// space, and a GIN index keeps every word it ever held in its entry tree (VACUUM
// only empties the word's posting list), so these are rebuilt: the new index
// holds only live words and the old file is removed at the next checkpoint.
var scrubIndexes = []string{"ticket_search_doc", "ticket_tags_pkey", "tickets_external_id", "idempotency_keys_pkey"}

// scrub is PostgreSQL's after-purge step: VACUUM the tables that held the text
// (INDEX_CLEANUP ON: with few dead rows VACUUM otherwise skips the indexes), rebuild
// the indexes keyed by words without blocking writes, then checkpoint so the
// cleaned pages reach the files and switch WAL segments so the segment holding
// the purge's records can be removed (see docs/operations.md, "Purges and
// scrubs", for what stays and for how long).
func scrub(ctx context.Context, pool *sql.DB) error { return scrubWith(ctx, pool, false) }

// scrubWith is scrub; with rewrite, the tables are rewritten (VACUUM FULL, which
// also rebuilds every index of theirs) so no free space keeps purged bytes.
func scrubWith(ctx context.Context, pool *sql.DB, rewrite bool) (err error) {
	db, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: scrub: %w", err)
	}
	defer db.Close()
	// Nodes sharing the database would each rebuild the same indexes; one scrub
	// at a time covers every node's purges committed before it started.
	var locked bool
	if err := db.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, scrubLockKey).Scan(&locked); err != nil {
		return fmt.Errorf("postgres: scrub lock: %w", err)
	}
	if !locked {
		return errScrubbing
	}
	defer func() {
		_, uerr := db.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, scrubLockKey)
		err = errors.Join(err, uerr)
	}()
	if err := dropFailedRebuilds(ctx, db); err != nil {
		return err
	}
	if err := waitOlderSnapshots(ctx, db); err != nil {
		return err
	}
	tables, err := presentTables(ctx, db)
	if err != nil {
		return err
	}
	if rewrite {
		if _, err := db.ExecContext(ctx, `VACUUM (FULL) `+strings.Join(tables, ", ")); err != nil {
			return fmt.Errorf("postgres: rewrite tables: %w", err)
		}
		return switchWAL(ctx, db)
	}
	if _, err := db.ExecContext(ctx, `VACUUM (INDEX_CLEANUP ON) `+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("postgres: vacuum: %w", err)
	}
	for _, idx := range scrubIndexes {
		if _, err := db.ExecContext(ctx, `REINDEX INDEX CONCURRENTLY `+idx); err != nil {
			return fmt.Errorf("postgres: rebuild index %s: %w", idx, err)
		}
	}
	return switchWAL(ctx, db)
}

// snapshotWait bounds how long a scrub waits for transactions older than it.
const snapshotWait = 10 * time.Second

// waitOlderSnapshots waits until no other transaction of this database that
// began before the scrub is still open. VACUUM keeps (and VACUUM FULL copies) a
// deleted row that an open snapshot may still see, so a purge committed while a
// delivery's or a reader's transaction was open would be left in the files by a
// scrub that then reported success. A transaction still open after snapshotWait
// (an idle one, a long report) fails the scrub: it stays owed and is retried.
// This does not cover a transaction begun after the scrub that took the xmin of
// an older one (docs/operations.md: the table files are not bounded).
func waitOlderSnapshots(ctx context.Context, db *sql.Conn) error {
	var start time.Time
	if err := db.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&start); err != nil {
		return fmt.Errorf("postgres: scrub: %w", err)
	}
	deadline := time.Now().Add(snapshotWait)
	for {
		var open int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL AND xact_start < $1`, start).Scan(&open)
		if err != nil {
			return fmt.Errorf("postgres: scrub: open transactions: %w", err)
		}
		if open == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres: scrub: %d transactions older than the purge are still open (a long report or an idle transaction), so its rows can't be removed yet", open)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres: scrub: waiting for older transactions: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// presentTables is scrubTables plus those of scrubTablesIfPresent that exist.
func presentTables(ctx context.Context, db *sql.Conn) ([]string, error) {
	tables := append([]string(nil), scrubTables...)
	for _, t := range scrubTablesIfPresent {
		var present bool
		if err := db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, t).Scan(&present); err != nil {
			return nil, fmt.Errorf("postgres: scrub: table %s: %w", t, err)
		}
		if present {
			tables = append(tables, t)
		}
	}
	return tables, nil
}

// dropFailedRebuilds drops what a REINDEX CONCURRENTLY cut short (a crash, a
// cancelled scrub) leaves behind: an invalid copy of the index, named *_ccnew
// or *_ccold, which would otherwise be kept up to date by every write for ever.
func dropFailedRebuilds(ctx context.Context, db *sql.Conn) error {
	rows, err := db.QueryContext(ctx, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT i.indisvalid AND n.nspname = current_schema() AND c.relname ~ '_cc(new|old)[0-9]*$'`)
	if err != nil {
		return fmt.Errorf("postgres: failed index rebuilds: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: failed index rebuilds: %w", err)
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: failed index rebuilds: %w", err)
	}
	for _, name := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX CONCURRENTLY IF EXISTS `+pgIdent(name)); err != nil {
			return fmt.Errorf("postgres: drop failed rebuild %s: %w", name, err)
		}
	}
	return nil
}

// switchWAL checkpoints (the scrubbed pages reach the data files, and the old
// index files are removed), starts a new WAL segment and checkpoints again, so
// the segments holding the purged rows' records fall behind the redo point and
// are removed (wal_recycle=off) or renamed for reuse at that checkpoint. Both
// need a superuser or, from PostgreSQL 15, the pg_checkpoint role and EXECUTE
// on pg_switch_wal; without them PostgreSQL's own checkpoints (checkpoint_timeout)
// and segment switches (max_wal_size, archive_timeout) do it later, so a refusal
// is not a failed scrub.
func switchWAL(ctx context.Context, db *sql.Conn) error {
	for _, q := range []string{`CHECKPOINT`, `SELECT pg_switch_wal()`, `CHECKPOINT`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			if isInsufficientPrivilege(err) {
				return nil
			}
			return fmt.Errorf("postgres: %s: %w", q, err)
		}
	}
	return nil
}

func isInsufficientPrivilege(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}

// pgIdent quotes a name read from the catalog.
func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

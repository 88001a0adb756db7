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
var scrubTables = []string{"tickets", "comments", "audits", "ticket_search", "ticket_words", "ticket_tags", "idempotency_keys", "deliveries",
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
var scrubIndexes = []string{"ticket_search_doc", "ticket_words_words", "ticket_tags_pkey", "tickets_external_id", "idempotency_keys_pkey"}

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

// waitOlderSnapshots waits until no transaction that began before the scrub can
// still keep a purged row. VACUUM keeps (and VACUUM FULL copies) a deleted row
// while the database's removal horizon is older than the purge, and two kinds
// of transaction hold that horizon back:
//   - a snapshot taken in this database before the purge committed (a reader, a
//     delivery, another node), seen as backend_xmin;
//   - any transaction of the whole server that has written (holds a transaction
//     id) since before the purge, in any database: every new snapshot, VACUUM
//     FULL's own included, takes the oldest running transaction id as its xmin,
//     so one long writer in an unrelated database keeps this database's dead
//     rows alive.
//
// The scrub takes a transaction id of its own, after every purge it pays for
// committed, and waits until no snapshot of this database and no running
// transaction of the server is older. Still waiting after snapshotWait (an idle
// transaction, a long report) fails the scrub: it stays owed and is retried.
func waitOlderSnapshots(ctx context.Context, db *sql.Conn) error {
	var mark uint64
	if err := db.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text::bigint`).Scan(&mark); err != nil {
		return fmt.Errorf("postgres: scrub: transaction id: %w", err)
	}
	deadline := time.Now().Add(snapshotWait)
	for {
		holders, err := horizonHolders(ctx, db, mark)
		if err != nil {
			return err
		}
		if holders == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres: scrub: transactions older than the purge are still open (%s), so its rows can't be removed yet", holders)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres: scrub: waiting for older transactions: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// horizonHolders says what still holds the removal horizon behind mark (the
// scrub's own transaction id), "" when nothing does: a running transaction of
// the server older than mark (read from a fresh snapshot, so it needs no
// privilege), or a snapshot of this database older than mark. The names it
// gives come from pg_stat_activity, which shows other roles' sessions only to
// pg_read_all_stats.
func horizonHolders(ctx context.Context, db *sql.Conn, mark uint64) (string, error) {
	var oldestRunning uint64
	if err := db.QueryRowContext(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&oldestRunning); err != nil {
		return "", fmt.Errorf("postgres: scrub: oldest running transaction: %w", err)
	}
	// backend_xid and backend_xmin are 32-bit ids: x is older than mark when
	// mark is 1 to 2^31-1 ahead of it modulo 2^32.
	var holders string
	err := db.QueryRowContext(ctx, `WITH a AS (SELECT pid, COALESCE(datname, backend_type) AS db,
			(($1::bigint - backend_xid::text::bigint) % 4294967296 + 4294967296) % 4294967296 AS xid_behind,
			(($1::bigint - backend_xmin::text::bigint) % 4294967296 + 4294967296) % 4294967296 AS xmin_behind,
			datname = current_database() AS here
		FROM pg_stat_activity WHERE pid <> pg_backend_pid())
		SELECT COALESCE(string_agg(db || ' pid ' || pid, ', '), '') FROM a
		WHERE xid_behind BETWEEN 1 AND 2147483647 OR (here AND xmin_behind BETWEEN 1 AND 2147483647)`, mark%(1<<32)).Scan(&holders)
	if err != nil {
		return "", fmt.Errorf("postgres: scrub: open transactions: %w", err)
	}
	if holders == "" && oldestRunning < mark {
		holders = "a transaction of another role or database"
	}
	return holders, nil
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

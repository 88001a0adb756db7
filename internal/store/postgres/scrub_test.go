package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
)

// relationFiles maps each relation of db's database ("i:" and an index's name,
// "r:" or "t:" and a table's or TOAST table's) to its files on disk (main fork,
// its 1 GB segments and other forks), or skips the test when the server's data
// directory can't be read from here (a remote server).
func relationFiles(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ctx := t.Context()
	var dataDir string
	if err := db.WriteDB().QueryRowContext(ctx, `SELECT current_setting('data_directory')`).Scan(&dataDir); err != nil {
		t.Skipf("can't read data_directory: %v", err)
	}
	if _, err := os.ReadDir(filepath.Join(dataDir, "base")); err != nil {
		t.Skipf("the server's files are not readable here: %v", err)
	}
	rows, err := db.WriteDB().QueryContext(ctx, `SELECT c.relkind::text || ':' || c.relname, pg_relation_filepath(c.oid) FROM pg_class c
		WHERE pg_relation_filepath(c.oid) IS NOT NULL AND c.relkind IN ('r', 'i', 't')`)
	require.NoError(t, err)
	defer rows.Close()
	files := map[string][]string{}
	for rows.Next() {
		var name, path string
		require.NoError(t, rows.Scan(&name, &path))
		base := filepath.Join(dataDir, path)
		segments, err := filepath.Glob(base + ".*") // 1 GB segments
		require.NoError(t, err)
		forks, err := filepath.Glob(base + "_*") // free space map, visibility map
		require.NoError(t, err)
		files[name] = append(append([]string{base}, segments...), forks...)
	}
	require.NoError(t, rows.Err())
	return files
}

// holders lists the relations whose files contain needle.
func holders(t *testing.T, db *store.DB, needle string) []string {
	t.Helper()
	var out []string
	for name, paths := range relationFiles(t, db) {
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if os.IsNotExist(err) {
				continue // dropped since listed
			}
			require.NoError(t, err)
			if bytes.Contains(b, []byte(needle)) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// TestScrubClearsIndexes purges a ticket whose subject, description, comment and
// tag carry a canary, between other tickets, and reads the files of every table
// and index of the database after the scrub: no index holds the canary (the GIN
// full-text index keeps every word it held after VACUUM, and a b-tree the bytes
// of removed keys), and the scrub owed is cleared. Tables can still hold it in
// the free space VACUUM leaves in a page (docs/operations.md, "Purges and
// scrubs"); the test logs which.
func TestScrubClearsIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, pgtest.URL(t))
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	const canary = "pgscrubcanary8812"
	ticket := func(subject, body string, tags ...string) int64 {
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body}, Tags: &tags}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	for range 30 {
		ticket("Printer", "The printer is jammed again", "printer")
	}
	id := ticket("Pay "+canary, "Salary "+canary+" for March", canary+"_tag")
	for range 30 {
		ticket("VPN", "VPN drops every hour", "vpn")
	}
	priv := false
	_, err = d.UpdateTicket(ctx, admin, id, desk.TicketInput{Comment: &desk.CommentInput{Body: "private " + canary, Public: &priv}})
	require.NoError(t, err)
	_, err = db.WriteDB().ExecContext(ctx, `CHECKPOINT`)
	require.NoError(t, err)
	before := holders(t, db, canary)
	require.Contains(t, before, "i:ticket_search_doc", "the canary's words are in the full-text index before the purge")
	require.Contains(t, before, "i:ticket_tags_pkey", "the canary's tag is in the tag index before the purge")
	require.Contains(t, before, "i:ticket_words_words", "the canary's words are in the per-ticket word index before the purge")

	require.NoError(t, d.PurgeTicket(ctx, admin, id))
	_, err = d.Ticket(ctx, admin, id)
	require.ErrorIs(t, err, model.ErrNotFound)
	debt, err := db.ScrubDebt(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, debt.Count, "the purge owes a scrub, paid later by the scrub loop")

	require.NoError(t, db.Scrub(ctx))
	after := holders(t, db, canary)
	t.Logf("relations holding the canary after the scrub: %v", after)
	for _, rel := range after {
		require.False(t, strings.HasPrefix(rel, "i:"), "the index %s still holds purged text", rel)
	}
	debt, err = db.ScrubDebt(ctx)
	require.NoError(t, err)
	require.Zero(t, debt.Count, "the scrub cleared what it owed")
}

// walHolding lists the segments in the server's pg_wal that contain needle.
func walHolding(t *testing.T, db *store.DB, needle string) []string {
	t.Helper()
	var dataDir string
	require.NoError(t, db.WriteDB().QueryRowContext(t.Context(), `SELECT current_setting('data_directory')`).Scan(&dataDir))
	entries, err := os.ReadDir(filepath.Join(dataDir, "pg_wal"))
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dataDir, "pg_wal", e.Name()))
		if os.IsNotExist(err) {
			continue // removed by a checkpoint since listed
		}
		require.NoError(t, err)
		if bytes.Contains(b, []byte(needle)) {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestScrubLeavesNoWAL: with wal_recycle=off (docs/operations.md), the scrub's
// checkpoint, segment switch and second checkpoint remove the WAL segments that
// held a purged ticket's records, so pg_wal no longer holds its text. Skipped on a
// server that recycles segments or where the files can't be read.
func TestScrubLeavesNoWAL(t *testing.T) {
	ctx := context.Background()
	db := open(t, pgtest.URL(t))
	relationFiles(t, db) // skips when the server's files aren't readable here
	var recycle string
	require.NoError(t, db.WriteDB().QueryRowContext(ctx, `SHOW wal_recycle`).Scan(&recycle))
	if recycle != "off" {
		t.Skip("the server recycles WAL segments (wal_recycle=on): purged text stays in pg_wal until overwritten")
	}
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	const canary = "pgwalcanary3391"
	subject, body, tags := "Pay "+canary, "Salary "+canary, []string{canary + "_tag"}
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body}, Tags: &tags}, "")
	require.NoError(t, err)
	require.NotEmpty(t, walHolding(t, db, canary), "the ticket's records are in pg_wal")

	require.NoError(t, d.PurgeTicket(ctx, admin, res.Ticket.ID))
	start := time.Now()
	require.NoError(t, db.Scrub(ctx))
	t.Logf("scrub took %v", time.Since(start).Round(time.Millisecond))
	require.Empty(t, walHolding(t, db, canary), "pg_wal still holds the purged text")
}

// TestScrubWaitsForOlderSnapshots: a transaction that began before the purge
// (a delivery, a report) may still see the purged rows, and VACUUM keeps (VACUUM
// FULL copies) what an open snapshot sees. The scrub waits for it instead of
// reporting success with the text still in the files.
func TestScrubWaitsForOlderSnapshots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.URL(t), postgres.WithTableRewrite())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	const canary = "pgsnapshotcanary7719"
	subject := "Pay " + canary
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "Salary " + canary}}, "")
	require.NoError(t, err)

	reader, err := db.WriteDB().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	require.NoError(t, err)
	var n int
	require.NoError(t, reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)) // takes the snapshot, locks no scrubbed table
	require.NoError(t, d.PurgeTicket(ctx, admin, res.Ticket.ID))
	done := make(chan error, 1)
	go func() { done <- db.Scrub(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("the scrub finished (%v) while a snapshot older than the purge was open", err)
	case <-time.After(time.Second):
	}
	require.NoError(t, reader.Rollback())
	require.NoError(t, <-done)
	_, err = db.WriteDB().ExecContext(ctx, `CHECKPOINT`)
	require.NoError(t, err)
	require.Empty(t, holders(t, db, canary), "relations holding purged text after the scrub")
}

package adversarial

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/pgtest"
)

// TestAdversarialPostgres plays the attackers whose outcome depends on the
// database with standard on PostgreSQL (secure stays on SQLite): the canary
// check reads the server's index files and pg_wal after the scrub the purge
// owes, within the bound docs/operations.md promises.
func TestAdversarialPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the adversarial suite runs two twindesk processes; run it without -short")
	}
	r := newRig(t, pgtest.URL(t))
	t.Logf("work dir %s; logs standard.log and secure.log", r.dir)
	// The canary runs first: its purge is the first, so its scrub starts at
	// once instead of after the 5-minute spacing between scrubs.
	for _, a := range []attack{
		{"canary after escalation", canaryAfterEscalationPG},
		{"IT agent hijacks HR tickets", hijackHRTickets},
		{"HR agent pushes text into standard", pushIntoStandard},
	} {
		t.Run(a.name, func(t *testing.T) { a.run(t, r) })
	}
}

// scrubBound is how long after a purge PostgreSQL's indexes and pg_wal may
// still hold purged text: one scrub interval plus the scrub.
const scrubBound = 5*time.Minute + 30*time.Second

// canaryAfterEscalationPG is canaryAfterEscalation on PostgreSQL: the API, UI
// and log hold no canary; after the scrub no table file, index and (with
// wal_recycle=off) no WAL segment does. A transaction that writes in another
// database of the same server is held open across the purge, as a busy shared
// server has: it keeps every database's deleted rows alive until it ends, so a
// scrub that didn't wait for it would copy the purged rows into the rewritten
// tables and report success.
func canaryAfterEscalationPG(t *testing.T, r *rig) {
	x := newTicketText()
	release := holdWriterElsewhere(t)
	e := r.escalate(t, x)
	r.settle(t)
	time.Sleep(2 * time.Second) // the purge's scrub is waiting for the writer now
	release()
	assert.Equal(t, neutralSubject, r.stdAdmin.ticket(t, e.stub)["subject"], "stub %d's subject", e.stub)
	r.assertGoneFromAPI(t, x.canaries(), e)
	r.assertGoneFromUI(t, x.canaries(), e)
	ok := eventually(t, scrubBound, "scrub done", func() bool { return r.logged(t, "scrub owed done") })
	require.True(t, ok, "standard logged no finished scrub within %s of the purge", scrubBound)
	recycle := r.stdPG.setting(t, "wal_recycle")
	// A scrub done line may be an earlier purge's: the promise is that the files
	// are clean within the bound, so wait for that (reading the files once a second).
	clean := func() bool {
		for _, c := range x.canaries() {
			h := r.stdPG.holding(t, stored(c))
			if len(h.tables) > 0 || len(h.indexes) > 0 || (recycle == "off" && len(h.wal) > 0) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(scrubBound); !clean() && time.Now().Before(deadline); {
		time.Sleep(time.Second)
	}
	for _, c := range x.canaries() {
		h := r.stdPG.holding(t, stored(c))
		assert.Empty(t, h.indexes, "indexes hold %s after the scrub", c)
		if recycle == "off" {
			assert.Empty(t, h.wal, "pg_wal holds %s after the scrub", c)
		} else if len(h.wal) > 0 {
			t.Logf("pg_wal holds %s in %v: the server recycles segments (wal_recycle=on)", c, h.wal)
		}
		assert.Empty(t, h.tables, "table files hold %s after the rewrite scrub", c)
	}
	log, err := os.ReadFile(r.std.LogPath)
	require.NoError(t, err)
	for _, c := range x.canaries() {
		assert.NotContains(t, string(log), tail(c), "standard's log holds %s", c)
	}
	r.noteFlows(t, e)
}

// holdWriterElsewhere opens a transaction that writes in another database of
// the standard's server and keeps it open until release is called.
func holdWriterElsewhere(t *testing.T) (release func()) {
	db, err := sql.Open("pgx", pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, `CREATE TABLE unrelated_work (n int)`)
	require.NoError(t, err)
	return func() { require.NoError(t, tx.Commit()) }
}

// stored is the part of a canary every stored form keeps: the full-text
// configuration may stem a word's ending, so the last letters are left out.
func stored(c string) string { return c[len(c)-16 : len(c)-4] }

// logged reports whether standard's log has a line with msg.
func (r *rig) logged(t *testing.T, msg string) bool {
	b, err := os.ReadFile(r.std.LogPath)
	require.NoError(t, err)
	return bytes.Contains(b, []byte(msg))
}

// pgFiles reads the files of a PostgreSQL database from the server's data
// directory when the test can read it (scripts/pg-temp's server, not a remote
// one: then the file checks are left out, with a log line, and the API, UI and
// log checks still run).
type pgFiles struct {
	db       *sql.DB
	dataDir  string
	readable error // why the files can't be read, nil when they can
}

func openPGFiles(t *testing.T, url string) *pgFiles {
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	p := &pgFiles{db: db}
	p.dataDir = p.setting(t, "data_directory")
	if _, p.readable = os.ReadDir(filepath.Join(p.dataDir, "base")); p.readable != nil {
		t.Logf("the PostgreSQL server's files are not readable here, so no canary is looked for in them: %v", p.readable)
	}
	return p
}

func (p *pgFiles) setting(t *testing.T, name string) string {
	var v string
	require.NoError(t, p.db.QueryRowContext(context.Background(), "SELECT current_setting($1)", name).Scan(&v))
	return v
}

// holdings names what holds a needle: index and table relations, WAL segments.
type holdings struct {
	indexes, tables, wal []string
}

func (p *pgFiles) holding(t *testing.T, needle string) holdings {
	var h holdings
	if p.readable != nil {
		return h
	}
	rows, err := p.db.QueryContext(context.Background(), `SELECT c.relkind::text, c.relname, pg_relation_filepath(c.oid) FROM pg_class c
		WHERE pg_relation_filepath(c.oid) IS NOT NULL AND c.relkind IN ('r', 'i', 't')`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var kind, name, rel string
		require.NoError(t, rows.Scan(&kind, &name, &rel))
		base := filepath.Join(p.dataDir, rel)
		segments, err := filepath.Glob(base + ".*") // 1 GB segments
		require.NoError(t, err)
		forks, err := filepath.Glob(base + "_*") // free space and visibility maps
		require.NoError(t, err)
		if !anyHolds(t, append(append([]string{base}, segments...), forks...), needle) {
			continue
		}
		if kind == "i" {
			h.indexes = append(h.indexes, name)
		} else {
			h.tables = append(h.tables, name)
		}
	}
	require.NoError(t, rows.Err())
	wal, err := filepath.Glob(filepath.Join(p.dataDir, "pg_wal", "*"))
	require.NoError(t, err)
	for _, f := range wal {
		if anyHolds(t, []string{f}, needle) {
			h.wal = append(h.wal, filepath.Base(f))
		}
	}
	return h
}

// anyHolds reports whether one of the files holds needle; a file removed since
// it was listed holds nothing.
func anyHolds(t *testing.T, paths []string, needle string) bool {
	for _, path := range paths {
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || strings.HasSuffix(path, ".tmp") {
			continue
		}
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		if bytes.Contains(b, []byte(needle)) {
			return true
		}
	}
	return false
}

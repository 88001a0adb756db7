package sqlite_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
	"github.com/twindesk/twindesk/internal/store/storetest"
)

func open(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) *store.DB { return open(t, t.TempDir()) })
}

// TestReopen checks that migrations apply once: a second open of the same file
// keeps the data, and a schema newer than the binary is refused.
func TestReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO groups (name, created_at, updated_at) VALUES ('IT', 1, 1)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db = open(t, dir)
	g, err := db.Read().GroupByName(t.Context(), "IT")
	require.NoError(t, err, "data survives a reopen; migrations are not re-applied")
	require.Equal(t, "IT", g.Name)

	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 1)`)
	require.NoError(t, err)
	_, err = sqlite.Open(t.Context(), dir)
	require.ErrorContains(t, err, "newer than this binary")
}

// TestOpenGathersPlannerStatistics checks that a database whose tickets were
// never analyzed gets the query planner's statistics at its next open, as the
// benchmarked databases have them from twindesk seed.
func TestOpenGathersPlannerStatistics(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO users (name, email, role, active, created_at, updated_at) VALUES ('Jo', 'jo@example.com', 'end-user', 1, 1, 1)`)
	require.NoError(t, err)
	_, err = db.WriteDB().ExecContext(t.Context(), `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
		INSERT INTO tickets (subject, description, status, priority, type, requester_id, submitter_id, tags, external_id, custom_fields, via, created_at, updated_at)
		SELECT 'ticket ' || i, '', 'open', 'normal', '', 1, 1, '', '', '[]', 'api', i, i FROM n`)
	require.NoError(t, err)
	stats := func(db *store.DB) int {
		var n int
		// sqlite_stat1 exists only once something was analyzed.
		err := db.WriteDB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n)
		require.NoError(t, err)
		if n == 0 {
			return 0
		}
		require.NoError(t, db.WriteDB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'tickets'`).Scan(&n))
		return n
	}
	require.Zero(t, stats(db), "statistics before the reopen")
	require.NoError(t, db.Close())
	require.Positive(t, stats(open(t, dir)), "no statistics for tickets after the reopen")
}

// TestFullTextMergesSearchRowidRanges checks the plan of the statement FTS5
// runs on every segment merge, on a fresh database and after a reopen: it must
// search the rowid range of the segment. The statistics PRAGMA optimize
// records for a small index (2 rows) made SQLite scan the whole table instead,
// so each merge read the ever-growing index (see gatherStatistics).
func TestFullTextMergesSearchRowidRanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plan := func(db *store.DB) string {
		rows, err := db.WriteDB().QueryContext(t.Context(), `EXPLAIN QUERY PLAN DELETE FROM 'main'.'ticket_text_data' WHERE id>=? AND id<=?`, 1, 2)
		require.NoError(t, err)
		defer rows.Close()
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			steps = append(steps, detail)
		}
		require.NoError(t, rows.Err())
		return strings.Join(steps, "; ")
	}
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	require.Contains(t, plan(db), "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "fresh database")
	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO ticket_text (rowid, doc) VALUES (1 << 20, 'printer on fire'), (2 << 20, 'vpn down')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.Contains(t, plan(open(t, dir)), "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "after a reopen")
}

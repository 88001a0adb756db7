package store

import (
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// TestMigrateAppliesAGapBelowTheHighest: branches merged out of number order
// leave a database that recorded 1 and 3 before 2 existed. Migrate must apply
// 2 (by version, not "above the highest"), and only it.
func TestMigrateAppliesAGapBelowTheHighest(t *testing.T) {
	ctx := t.Context()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })

	first := fstest.MapFS{
		"001_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER)`)},
		"003_c.sql": {Data: []byte(`CREATE TABLE c (id INTEGER)`)},
	}
	require.NoError(t, Migrate(ctx, db, first))

	later := fstest.MapFS{
		"001_a.sql": first["001_a.sql"],
		"002_b.sql": {Data: []byte(`CREATE TABLE b (id INTEGER)`)},
		"003_c.sql": first["003_c.sql"], // would fail ("already exists") if run again
	}
	require.NoError(t, Migrate(ctx, db, later))
	var n int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM b`).Scan(&n), "002 was skipped")
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
	require.Equal(t, 3, n)

	older := fstest.MapFS{"001_a.sql": first["001_a.sql"]}
	require.ErrorContains(t, Migrate(ctx, db, older), "newer than this binary")
}

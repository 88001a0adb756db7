package sqlite_test

import (
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

package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/storetest"
)

// open opens url; the database itself is dropped by pgtest after the test.
func open(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// TestStore runs the conformance suite, each case in its own fresh database on the
// server of TWINDESK_PG_URL.
func TestStore(t *testing.T) {
	t.Parallel()
	pgtest.ServerURL(t) // skip (or fail under CI) once, not once per case
	storetest.Run(t, func(t *testing.T) *store.DB { return open(t, pgtest.URL(t)) })
}

// TestReopen checks that migrations apply once and that a schema newer than the
// binary is refused.
func TestReopen(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	db, err := postgres.Open(t.Context(), url)
	require.NoError(t, err)
	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO groups (name, created_at, updated_at) VALUES ('IT', 1, 1)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db = open(t, url)
	g, err := db.Read().GroupByName(t.Context(), "IT")
	require.NoError(t, err, "data survives a reopen; migrations are not re-applied")
	require.Equal(t, "IT", g.Name)

	_, err = db.WriteDB().ExecContext(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 1)`)
	require.NoError(t, err)
	_, err = postgres.Open(t.Context(), url)
	require.ErrorContains(t, err, "newer than this binary")
}

package desk_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// openDesk opens a desk on a fresh SQLite database with an admin.
func openDesk(t *testing.T, opts ...desk.Option) (*desk.Service, *store.DB, model.User) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	return d, db, admin
}

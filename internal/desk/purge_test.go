package desk_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestPurgeScrubsSQLiteFiles purges a ticket whose subject, comments and tags
// carry a canary, with other tickets around it, and then reads every byte of the
// data directory (database, WAL and shared-memory files) while the database is
// still open, as a running server's would be: the canary must be nowhere.
func TestPurgeScrubsSQLiteFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)

	const canary = "zqxcanary7731"
	ticket := func(subject, body string, tags ...string) int64 {
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body}, Tags: &tags}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	for range 50 {
		ticket("Printer", "The printer is jammed again")
	}
	secret := ticket("Pay "+canary, "Salary "+canary+" for March", canary+"_tag")
	for range 50 {
		ticket("VPN", "VPN drops every hour")
	}
	priv := false
	_, err = d.UpdateTicket(ctx, admin, secret, desk.TicketInput{Comment: &desk.CommentInput{Body: "private " + canary, Public: &priv}})
	require.NoError(t, err)
	require.True(t, dirContains(t, dir, canary), "the canary is written before the purge")

	require.NoError(t, d.PurgeTicket(ctx, admin, secret))
	require.False(t, dirContains(t, dir, canary), "purged text remains in the data directory")
	_, err = d.Ticket(ctx, admin, secret)
	require.ErrorIs(t, err, model.ErrNotFound)
}

// dirContains reports whether any file in dir holds needle.
func dirContains(t *testing.T, dir, needle string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		if bytes.Contains(b, []byte(needle)) {
			t.Logf("%s holds %q", e.Name(), needle)
			return true
		}
	}
	return false
}

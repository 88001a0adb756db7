package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

const owedCanary = "owedcanary5521"

// lockedBuffer collects a logger's output across goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// scrubDesk opens dir's database with a desk whose scrub loop runs until the
// test ends, logging to the returned buffer.
func scrubDesk(t *testing.T, dir string) (*desk.Service, *lockedBuffer) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), dir)
	require.NoError(t, err)
	logs := &lockedBuffer{}
	d := desk.New(db, slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), nil)))
	stop := d.StartScrubs(context.Background())
	t.Cleanup(func() { stop(); _ = db.Close() })
	return d, logs
}

// canaryTicket creates tickets around one whose subject, description, comment
// and tag carry owedCanary, and returns its id and an admin.
func canaryTicket(t *testing.T, d *desk.Service) (model.User, int64) {
	t.Helper()
	ctx := t.Context()
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	ticket := func(subject, body string, tags ...string) int64 {
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body}, Tags: &tags}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	for range 20 {
		ticket("Printer", "The printer is jammed again")
	}
	id := ticket("Pay "+owedCanary, "Salary "+owedCanary+" for March", owedCanary+"_tag")
	for range 20 {
		ticket("VPN", "VPN drops every hour")
	}
	priv := false
	_, err = d.UpdateTicket(ctx, admin, id, desk.TicketInput{Comment: &desk.CommentInput{Body: "private " + owedCanary, Public: &priv}})
	require.NoError(t, err)
	return admin, id
}

// holdReader opens its own connection to dir's database, as sqlite3's .backup
// or any other process would, and holds a read transaction on the current
// snapshot until release is called.
func holdReader(t *testing.T, dir string) (release func()) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	require.NoError(t, err)
	tx, err := conn.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n))
	var once sync.Once
	release = func() { once.Do(func() { _ = tx.Rollback(); _ = conn.Close() }) }
	t.Cleanup(release)
	return release
}

func walContains(t *testing.T, dir string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, sqlite.FileName+"-wal"))
	if os.IsNotExist(err) {
		return false
	}
	require.NoError(t, err)
	return bytes.Contains(b, []byte(owedCanary))
}

// TestScrubRetriedAfterHeldReader: a reader holding a snapshot from before a
// purge (a backup) makes the purge's scrub fail, leaving the purged text in the
// WAL; the scrub stays owed, is logged while it waits, and the scrub loop
// empties the WAL within seconds of the reader letting go, with no other purge.
func TestScrubRetriedAfterHeldReader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, logs := scrubDesk(t, dir)
	admin, id := canaryTicket(t, d)
	release := holdReader(t, dir)

	require.NoError(t, d.PurgeTicket(t.Context(), admin, id))
	require.True(t, walContains(t, dir), "while the reader holds its snapshot, the WAL keeps the purged text")
	debt, err := d.ScrubDebt(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 1, debt.Count, "the failed scrub is owed")
	require.False(t, debt.Since.IsZero())
	require.Eventually(t, func() bool { return bytes.Contains([]byte(logs.String()), []byte("level=WARN msg=\"scrub owed since")) },
		10*time.Second, 50*time.Millisecond, "the wait is logged")

	release()
	released := time.Now()
	require.Eventually(t, func() bool { return !dirContains(t, dir, owedCanary) }, 10*time.Second, 100*time.Millisecond,
		"the scrub loop empties the WAL once the reader is gone")
	t.Logf("purged text gone %v after the reader let go", time.Since(released).Round(time.Millisecond))
	requireNoDebt(t, d)
}

// requireNoDebt waits for the scrub that emptied the WAL to clear its debt (the
// row is deleted just after the checkpoint).
func requireNoDebt(t *testing.T, d *desk.Service) {
	t.Helper()
	require.Eventually(t, func() bool {
		debt, err := d.ScrubDebt(t.Context())
		require.NoError(t, err)
		return debt.Count == 0
	}, 5*time.Second, 20*time.Millisecond, "the scrub that succeeded cleared the debt")
}

// TestOwedScrubRunsAtStart: a process killed while its scrub waits leaves the
// purged text in the WAL and the scrub owed in the database. The data directory
// is copied as the kill leaves it (the files, without the process), and a new
// process started on the copy pays the debt at start: the text leaves every file.
// A reader on the copy is held across the start, so closing the start's own
// connections (which checkpoints a WAL nobody else reads) can't hide a missing
// scrub.
func TestOwedScrubRunsAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, _ := scrubDesk(t, dir)
	admin, id := canaryTicket(t, d)
	release := holdReader(t, dir)
	require.NoError(t, d.PurgeTicket(t.Context(), admin, id))
	require.True(t, walContains(t, dir))

	killed := t.TempDir()
	for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(killed, name), b, 0o600))
	}
	release()

	restartReader := holdReader(t, killed)
	d2, _ := scrubDesk(t, killed)
	require.True(t, walContains(t, killed), "the held reader keeps the WAL as the kill left it")
	debt, err := d2.ScrubDebt(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 1, debt.Count, "the debt survived the kill")
	restartReader()
	require.Eventually(t, func() bool { return !dirContains(t, killed, owedCanary) }, 10*time.Second, 100*time.Millisecond,
		"the owed scrub runs after the start")
	requireNoDebt(t, d2)
}

// TestScrubIntervalDefersPurgesScrubs: with a scrub interval (PostgreSQL's
// default), a purge returns without scrubbing, the loop scrubs at once when no
// scrub ran within the interval, and a second purge soon after stays owed until
// the interval has passed, then is paid without any other purge.
func TestScrubIntervalDefersPurgesScrubs(t *testing.T) {
	t.Parallel()
	const interval = 1500 * time.Millisecond
	db, err := sqlite.Open(t.Context(), t.TempDir())
	require.NoError(t, err)
	d := desk.New(db, slog.New(slog.NewTextHandler(t.Output(), nil)), desk.WithScrubInterval(interval))
	stop := d.StartScrubs(context.Background())
	t.Cleanup(func() { stop(); _ = db.Close() })
	admin, first := canaryTicket(t, d)
	subject := "second"
	res, err := d.CreateTicket(t.Context(), admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "second"}}, "")
	require.NoError(t, err)

	require.NoError(t, d.PurgeTicket(t.Context(), admin, first))
	requireNoDebt(t, d) // the first scrub runs at once, in the loop
	paid := time.Now()
	require.NoError(t, d.PurgeTicket(t.Context(), admin, res.Ticket.ID))
	debt, err := d.ScrubDebt(t.Context())
	require.NoError(t, err)
	require.EqualValues(t, 1, debt.Count, "a purge within the interval stays owed")
	requireNoDebt(t, d)
	require.GreaterOrEqual(t, time.Since(paid), interval-100*time.Millisecond, "the second scrub waited for the interval")
}

package desk_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// steppingClock moves 150 ms forward each time it is read, so that every
// count looks slow to the desk (slowCount is 100 ms).
type steppingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(150 * time.Millisecond)
	return c.now
}

// TestSlowNarrowCountIsReused: on PostgreSQL a count of few matches that was
// slow to make is reused like a broad one (a word in many tickets intersected
// with a status took 0.4-0.9 s on every request at a million tickets); on
// SQLite, whose counts come from in-memory sets, it stays exact.
func TestSlowNarrowCountIsReused(t *testing.T) {
	t.Parallel()
	for _, b := range []struct {
		name   string
		open   func(t *testing.T) *store.DB
		reused bool
	}{
		{"sqlite", func(t *testing.T) *store.DB {
			db, err := sqlite.Open(t.Context(), t.TempDir())
			require.NoError(t, err)
			return db
		}, false},
		{"postgres", func(t *testing.T) *store.DB {
			db, err := postgres.Open(t.Context(), pgtest.URL(t))
			require.NoError(t, err)
			return db
		}, true},
	} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.open(t)
			t.Cleanup(func() { _ = db.Close() })
			clock := &steppingClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
			d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), desk.WithClock(clock.Now))
			admin := model.User{ID: -1, Role: model.RoleAdmin}
			name, email, role := "Erin", "erin@example.com", "end-user"
			requester, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
			require.NoError(t, err)
			create := func() {
				t.Helper()
				subject, body := "laptop broken", "the laptop won't start"
				_, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
					Status: ptr("pending"), RequesterID: &requester.ID}, "")
				require.NoError(t, err)
			}
			count := func() int64 {
				t.Helper()
				page, err := d.Search(ctx, admin, desk.SearchRequest{Query: "laptop status:pending", PerPage: 10})
				require.NoError(t, err)
				return page.Count
			}
			create()
			require.EqualValues(t, 1, count())
			create()
			want := int64(2)
			if b.reused {
				want = 1
			}
			require.Equal(t, want, count(), "the count right after a second ticket")
		})
	}
}

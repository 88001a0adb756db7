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
// count looks slow to the desk (slowCount is 50 ms).
type steppingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppingClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
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
// SQLite, whose counts come from in-memory sets, it stays exact. Its pages
// are then read from the tickets it matched, their conditions checked again.
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
			create := func() int64 {
				t.Helper()
				subject, body := "laptop broken", "the laptop won't start"
				tk, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
					Status: ptr("pending"), RequesterID: &requester.ID}, "")
				require.NoError(t, err)
				return tk.Ticket.ID
			}
			search := func() (int64, []int64) {
				t.Helper()
				page, err := d.Search(ctx, admin, desk.SearchRequest{Query: "laptop status:pending", PerPage: 10})
				require.NoError(t, err)
				var ids []int64
				for _, tk := range page.Tickets {
					ids = append(ids, tk.ID)
				}
				return page.Count, ids
			}
			first := create()
			n, ids := search()
			require.EqualValues(t, 1, n)
			require.Equal(t, []int64{first}, ids)
			second := create()
			n, ids = search()
			if !b.reused {
				require.EqualValues(t, 2, n)
				require.ElementsMatch(t, []int64{first, second}, ids)
				return
			}
			// Reused: the count, and the page read from the tickets it matched.
			require.EqualValues(t, 1, n, "the count right after a second ticket")
			require.Equal(t, []int64{first}, ids, "the page right after a second ticket")
			// The page checks the conditions again: a matched ticket that no
			// longer matches drops out at once, whatever the reused count says.
			_, err = d.UpdateTicket(ctx, admin, first, desk.TicketInput{Status: ptr("open")})
			require.NoError(t, err)
			_, ids = search()
			require.Empty(t, ids, "a ticket no longer pending, on the reused page")
			// A purge forgets the reused counts: none may go on counting a
			// purged ticket (an escalated one's words).
			require.NoError(t, d.PurgeTicket(ctx, admin, second))
			n, ids = search()
			require.Zero(t, n, "the count after a purge")
			require.Empty(t, ids)
			// Past its 30 s a reused narrow count is recounted in the
			// background from its matches' ids; the next searches get the new
			// ticket, in the count and on the page.
			third := create()
			clock.Add(61 * time.Second) // past the reused 0: counted afresh, kept with its one match
			n, _ = search()
			require.EqualValues(t, 1, n)
			fourth := create()
			clock.Add(31 * time.Second)
			n, _ = search()
			require.EqualValues(t, 1, n, "the old count while it is recounted")
			deadline := time.Now().Add(10 * time.Second)
			for {
				if n, ids = search(); n == 2 {
					break
				}
				require.True(t, time.Now().Before(deadline), "the background recount never arrived")
				time.Sleep(10 * time.Millisecond)
			}
			require.ElementsMatch(t, []int64{third, fourth}, ids)
		})
	}
}

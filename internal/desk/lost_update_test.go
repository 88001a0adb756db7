package desk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store/postgres"
)

// TestConcurrentUpdatesLoseNothingOnPostgres: on PostgreSQL two updates of one
// ticket run at once (SQLite has a single writer). Each adds its own tag; an
// update that read the ticket before another one committed and then wrote its
// stale tag list back lost the other's tag, and left tickets.tags and ticket_tags
// disagreeing.
func TestConcurrentUpdatesLoseNothingOnPostgres(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	name, email, role := "Admin", "admin@example.com", "admin"
	admin, err := d.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)
	created, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: ptr("printer"),
		Comment: &desk.CommentInput{Body: "it jams"}}, "")
	require.NoError(t, err)
	id := created.Ticket.ID

	const writers = 16
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.UpdateTicket(ctx, admin, id, desk.TicketInput{AdditionalTags: []string{fmt.Sprintf("w%02d", i)}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	var want []string
	for i := range writers {
		want = append(want, fmt.Sprintf("w%02d", i))
	}
	got, err := d.Ticket(ctx, admin, id)
	require.NoError(t, err)
	tags := append([]string(nil), got.Tags...)
	sort.Strings(tags)
	assert.Equal(t, want, tags, "every writer's tag is kept")
	var rows []string
	r, err := db.WriteDB().QueryContext(ctx, `SELECT tag FROM ticket_tags WHERE ticket_id = $1 ORDER BY tag`, id)
	require.NoError(t, err)
	defer r.Close()
	for r.Next() {
		var tag string
		require.NoError(t, r.Scan(&tag))
		rows = append(rows, tag)
	}
	require.NoError(t, r.Err())
	assert.Equal(t, want, rows, "ticket_tags agrees with the ticket's tags")
}

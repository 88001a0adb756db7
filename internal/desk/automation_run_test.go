package desk_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestAutomationRunSplitsTransactions: a run whose write transaction outlasts
// its time budget commits what it did and carries on in the next one. With a
// clock that moves 300 ms (more than the 250 ms budget) each time it is read,
// every transaction ends after one chunk of tickets (there are two and a half,
// so three transactions); still every matching ticket is closed exactly once,
// with one audit each, and none that doesn't match is touched.
func TestAutomationRunSplitsTransactions(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now.Store(t0.UnixMicro())
	var ticking atomic.Bool
	clock := func() time.Time {
		if ticking.Load() {
			return time.UnixMicro(now.Add(300_000))
		}
		return time.UnixMicro(now.Load())
	}
	d, db, admin := openDesk(t, desk.WithClock(clock))
	ctx := context.Background()
	mk := func(status model.Status) int64 {
		subject, st := "printer", string(status)
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Status: &st,
			Comment: &desk.CommentInput{Body: "x"}, Requester: &desk.RequesterInput{Email: "r@example.com"}}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	var solved, open []int64
	for i := 0; i < 250; i++ {
		solved = append(solved, mk(model.StatusSolved))
		if i%50 == 0 {
			open = append(open, mk(model.StatusOpen))
		}
	}
	now.Store(t0.Add(100 * time.Hour).UnixMicro()) // past the default's 96 hours
	ticking.Store(true)

	st, err := d.RunAutomations(ctx)
	require.NoError(t, err)
	require.Equal(t, len(solved), st.Candidates, "only the solved tickets are read")
	require.Equal(t, len(solved), st.Updated)
	require.Equal(t, 3, st.Transactions, "250 tickets, a chunk of 100 per transaction once the budget is spent")
	for _, id := range solved {
		tk, err := db.Read().Ticket(ctx, id)
		require.NoError(t, err)
		require.Equal(t, model.StatusClosed, tk.Status, "ticket %d", id)
	}
	for _, id := range open {
		tk, err := db.Read().Ticket(ctx, id)
		require.NoError(t, err)
		require.Equal(t, model.StatusOpen, tk.Status, "ticket %d", id)
	}
	var audits int
	require.NoError(t, db.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audits WHERE author_id = -1`).Scan(&audits))
	require.Equal(t, len(solved), audits, "one audit per ticket closed, none for the others")

	again, err := d.RunAutomations(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Candidates, "closed tickets leave the clocks: nothing to read")
}

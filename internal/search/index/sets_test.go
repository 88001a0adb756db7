package index_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/store"
)

// TestTicketSearchLargeMatchSets runs queries whose word matches are large
// enough (more than 2,000 tickets) for SQLite to probe them per ticket while the
// sort index drives, and small enough to be listed, and checks the counts and
// pages against the expected tickets computed here.
func TestTicketSearchLargeMatchSets(t *testing.T) {
	t.Parallel()
	const n = 2600
	// Which words ticket i holds, and where: alpha in its subject, beta in its
	// first comment, gamma in a later one; every fourth ticket is open.
	alpha := func(i int) bool { return i%20 != 0 }
	beta := func(i int) bool { return i%2 == 0 }
	gamma := func(i int) bool { return i%7 == 0 }
	open := func(i int) bool { return i%4 == 0 }
	tests := []struct {
		query string
		want  func(i int) bool
	}{
		{"alpha", alpha},
		{"alpha beta", func(i int) bool { return alpha(i) && beta(i) }},
		{"alpha -gamma", func(i int) bool { return alpha(i) && !gamma(i) }},
		{"alpha beta gamma", func(i int) bool { return alpha(i) && beta(i) && gamma(i) }},
		{"-beta", func(i int) bool { return !beta(i) }},
		{"-beta -gamma", func(i int) bool { return !beta(i) && !gamma(i) }},
		{"alpha status:open", func(i int) bool { return alpha(i) && open(i) }},
		{"alpha -beta status:pending", func(i int) bool { return alpha(i) && !beta(i) && !open(i) }},
		{"alpha nosuchword", func(int) bool { return false }},
	}
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			users := []model.User{{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true}}
			tickets := make([]store.BulkTicket, n)
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				if err := tx.BulkInsertUsers(ctx, users); err != nil {
					return err
				}
				for i := range tickets {
					tickets[i] = setsTicket(i, users[0].ID, at, alpha(i), beta(i), gamma(i), i%4 == 0)
				}
				return tx.BulkInsertTickets(ctx, tickets)
			}))
			for _, tc := range tests {
				// Expected: newest update first, which is the highest i.
				var want []int64
				for i := n - 1; i >= 0; i-- {
					if tc.want(i) {
						want = append(want, tickets[i].Ticket.ID)
					}
				}
				q, err := search.Parse(tc.query)
				require.NoError(t, err)
				p := index.Params{Query: q, Now: at, Limit: 25, Memo: new(index.Memo)}
				count, err := db.Searcher().CountTickets(ctx, p)
				require.NoError(t, err, tc.query)
				require.EqualValues(t, len(want), count, "count of %q", tc.query)
				for _, offset := range []int{0, 100} {
					p.Offset, p.Broad = offset, count > 2000
					got, err := db.Searcher().Tickets(ctx, p)
					require.NoError(t, err, tc.query)
					var ids []int64
					for _, tk := range got {
						ids = append(ids, tk.ID)
					}
					end := min(len(want), offset+25)
					require.Equal(t, want[min(offset, end):end], ids, "page at %d of %q", offset, tc.query)
				}
			}
		})
	}
}

// setsTicket is ticket i of TestTicketSearchLargeMatchSets, updated i seconds
// after at.
func setsTicket(i int, requester int64, at time.Time, alpha, beta, gamma, open bool) store.BulkTicket {
	word := func(ok bool, w string) string {
		if ok {
			return w
		}
		return "other"
	}
	status := model.StatusPending
	if open {
		status = model.StatusOpen
	}
	first := fmt.Sprintf("first %s comment", word(beta, "beta"))
	bt := store.BulkTicket{Ticket: model.Ticket{Subject: "ticket " + word(alpha, "alpha"), Description: first, Status: status,
		RequesterID: requester, SubmitterID: requester, Via: "web", CreatedAt: at, UpdatedAt: at.Add(time.Duration(i) * time.Second)}}
	for _, body := range []string{first, "later " + word(gamma, "gamma")} {
		bt.Entries = append(bt.Entries, store.BulkEntry{
			Audit:   model.Audit{AuthorID: requester, Via: "web", CreatedAt: at, Events: []model.AuditEvent{{Type: "Comment", Body: body, Public: new(true)}}},
			Comment: &model.Comment{AuthorID: requester, Body: body, Public: true, Via: "web", CreatedAt: at},
		})
	}
	return bt
}

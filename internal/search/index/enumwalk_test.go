package index_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/store"
)

// TestPagesOfSeveralStatuses pages through queries whose status or priority
// takes several values, in each time order, and compares every page with the
// order worked out here. On PostgreSQL such a page is read once per value and
// merged (splitPageSQL); a wrong per-value limit, a lost tie-break or a value
// read twice would show as a page that differs.
func TestPagesOfSeveralStatuses(t *testing.T) {
	t.Parallel()
	statuses := []model.Status{model.StatusNew, model.StatusOpen, model.StatusPending, model.StatusHold, model.StatusSolved, model.StatusClosed}
	priorities := []string{"low", "normal", "high", "urgent"}
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tickets := statusFixture(t, db, statuses, priorities)
			queries := map[string]func(model.Ticket) bool{
				"status<solved":  func(tk model.Ticket) bool { return tk.Status != model.StatusSolved && tk.Status != model.StatusClosed },
				"-status:closed": func(tk model.Ticket) bool { return tk.Status != model.StatusClosed },
				"tags:vip status<solved": func(tk model.Ticket) bool {
					return tk.HasTag("vip") && tk.Status != model.StatusSolved && tk.Status != model.StatusClosed
				},
				"priority>=high status>=pending": func(tk model.Ticket) bool {
					return (tk.Priority == "high" || tk.Priority == "urgent") && slices.Index(statuses, tk.Status) >= 2
				},
			}
			for q, match := range queries {
				for _, order := range []struct{ by, dir string }{{"", "desc"}, {"updated_at", "asc"}, {"created_at", "desc"}, {"created_at", "asc"}} {
					want := expectedOrder(tickets, match, order.by, order.dir)
					for _, broad := range []bool{false, true} {
						name := fmt.Sprintf("%s by %s %s broad=%v", q, order.by, order.dir, broad)
						var got []int64
						for offset := 0; offset < len(want)+7; offset += 7 {
							page, err := db.Searcher().Tickets(t.Context(), index.Params{Query: mustParse(t, q), Now: t0.Add(240 * time.Hour),
								SortBy: order.by, SortOrder: order.dir, Limit: 7, Offset: offset, Broad: broad})
							require.NoError(t, err, name)
							require.LessOrEqual(t, len(page), 7, name)
							for _, tk := range page {
								got = append(got, tk.ID)
							}
						}
						require.Equal(t, want, got, name)
					}
				}
			}
		})
	}
}

// statusFixture writes 90 tickets cycling through the statuses and
// priorities, every third tagged vip, with times that repeat so that ties are
// broken by id.
func statusFixture(t *testing.T, db *store.DB, statuses []model.Status, priorities []string) []model.Ticket {
	ctx := t.Context()
	var out []model.Ticket
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
		end := model.User{Name: "Jo Requester", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: t0, UpdatedAt: t0}
		var err error
		if end.ID, err = tx.CreateUser(ctx, end); err != nil {
			return err
		}
		for i := range 90 {
			tk := model.Ticket{Subject: fmt.Sprintf("ticket %d", i), Description: "body", Status: statuses[i%len(statuses)],
				Priority: priorities[i%len(priorities)], RequesterID: end.ID, SubmitterID: end.ID, Via: "api",
				CreatedAt: t0.Add(time.Duration(i%13) * time.Hour), UpdatedAt: t0.Add(time.Duration((i*7)%17) * time.Hour)}
			if i%3 == 0 {
				tk.Tags = []string{"vip"}
			}
			if tk.ID, err = tx.CreateTicket(ctx, &tk); err != nil {
				return err
			}
			out = append(out, tk)
		}
		return nil
	}))
	return out
}

// expectedOrder returns the ids of the matching tickets in the order asked
// (updated_at by default), ties broken by id in the same direction.
func expectedOrder(tickets []model.Ticket, match func(model.Ticket) bool, by, dir string) []int64 {
	var m []model.Ticket
	for _, tk := range tickets {
		if match(tk) {
			m = append(m, tk)
		}
	}
	slices.SortFunc(m, func(a, b model.Ticket) int {
		ta, tb := a.UpdatedAt, b.UpdatedAt
		if by == "created_at" {
			ta, tb = a.CreatedAt, b.CreatedAt
		}
		c := cmp.Or(ta.Compare(tb), cmp.Compare(a.ID, b.ID))
		if dir == "desc" {
			return -c
		}
		return c
	})
	ids := make([]int64, len(m))
	for i, tk := range m {
		ids[i] = tk.ID
	}
	return ids
}

func mustParse(t *testing.T, q string) *search.Query {
	t.Helper()
	query, err := search.Parse(q)
	require.NoError(t, err)
	return query
}

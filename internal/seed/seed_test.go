package seed_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

func openSQLite(t *testing.T) *store.DB {
	db, err := sqlite.Open(t.Context(), t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func openPostgres(t *testing.T) *store.DB {
	db, err := postgres.Open(t.Context(), pgtest.URL(t)) // skips, or fails under CI, without TWINDESK_PG_URL
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestSeed(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(*testing.T) *store.DB{"sqlite": openSQLite, "postgres": openPostgres} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t)
			var progress bytes.Buffer
			now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			st, err := seed.Run(t.Context(), db, seed.Config{Tickets: 500, Batch: 120, Writers: 1, Seed: 7, Now: now}, &progress)
			require.NoError(t, err)
			require.Equal(t, 500, st.Tickets)
			require.Equal(t, 100, st.Requesters)
			require.Greater(t, st.Comments, 500, "most tickets have replies")
			require.Greater(t, st.Audits, st.Comments, "status changes add audits without comments")
			require.Contains(t, progress.String(), "500/500 tickets")
			checkCounts(t, db, 500, st)
			checkTickets(t, db, now)
			checkSearch(t, db, now)

			// A second run (two writers on PostgreSQL) reuses agents, groups and fields
			// and adds people and tickets.
			st2, err := seed.Run(t.Context(), db, seed.Config{Tickets: 50, Seed: 8, Now: now}, nil)
			require.NoError(t, err)
			require.Equal(t, 50, st2.Tickets)
			n, err := db.Read().CountTickets(t.Context(), store.TicketFilter{})
			require.NoError(t, err)
			require.EqualValues(t, 550, n)
			groups, err := db.Read().CountGroups(t.Context())
			require.NoError(t, err)
			require.EqualValues(t, 8, groups)
			agents, err := db.Read().CountUsers(t.Context(), model.RoleAgent)
			require.NoError(t, err)
			require.EqualValues(t, 40, agents)
		})
	}
}

func checkCounts(t *testing.T, db *store.DB, tickets int64, st seed.Stats) {
	t.Helper()
	var comments, audits, docs int64
	r := db.WriteDB()
	require.NoError(t, r.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM comments`).Scan(&comments))
	require.NoError(t, r.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audits`).Scan(&audits))
	docTable := "ticket_text"
	if db.Dialect().Name == "postgres" {
		docTable = "ticket_search"
	}
	require.NoError(t, r.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM `+docTable).Scan(&docs))
	require.EqualValues(t, st.Comments, comments)
	require.EqualValues(t, st.Audits, audits)
	require.Equal(t, tickets+comments, docs, "every subject and comment is indexed")
	fields, err := db.Read().ListFields(t.Context())
	require.NoError(t, err)
	require.Len(t, fields, 4)
}

// checkTickets reads every ticket back and checks the invariants the desk keeps.
func checkTickets(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	ctx := t.Context()
	fields, err := db.Read().ListFields(ctx)
	require.NoError(t, err)
	tickets, err := db.Read().ListTickets(ctx, store.TicketFilter{}, store.Page{Limit: 1000})
	require.NoError(t, err)
	require.Len(t, tickets, 500)
	statuses := map[model.Status]int{}
	for i, tk := range tickets {
		statuses[tk.Status]++
		require.NotEmpty(t, tk.Subject)
		require.True(t, tk.Status.Valid())
		require.False(t, tk.UpdatedAt.Before(tk.CreatedAt), "ticket %d", tk.ID)
		require.True(t, tk.UpdatedAt.Before(now), "ticket %d", tk.ID)
		if i > 0 {
			require.False(t, tk.CreatedAt.Before(tickets[i-1].CreatedAt.Add(-2*time.Hour)), "ids grow with creation time")
		}
		for _, f := range fields {
			if v := tk.Field(f.ID); v != "" && f.Type == model.FieldTagger {
				require.Contains(t, tk.Tags, v, "dropdown value is also a tag")
			}
		}
		if tk.Status == model.StatusSolved || tk.Status == model.StatusClosed {
			require.NotZero(t, tk.AssigneeID, "solved tickets have an assignee")
		}
	}
	require.Greater(t, statuses[model.StatusClosed], 250, "old tickets are mostly closed: %v", statuses)
	cs, err := db.Read().Comments(ctx, tickets[42].ID, store.Page{Limit: 20})
	require.NoError(t, err)
	require.Equal(t, tickets[42].Description, cs[0].Body)
	require.Equal(t, tickets[42].RequesterID, cs[0].AuthorID)
}

// checkSearch runs searches an agent would, over the seeded data.
func checkSearch(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	for _, query := range []string{"printer", "vpn status:closed", "tags:vip", "laptop -printer"} {
		q, err := search.Parse(query)
		require.NoError(t, err)
		n, err := db.Searcher().CountTickets(t.Context(), index.Params{Query: q, Now: now, Limit: 10})
		require.NoError(t, err)
		require.Positive(t, n, "query %q finds seeded tickets", query)
	}
}

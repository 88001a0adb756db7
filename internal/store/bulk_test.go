package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// bulkBackends opens an empty database on SQLite and on PostgreSQL (pgtest skips
// or, under CI, fails that half when TWINDESK_PG_URL is unset).
func bulkBackends(t *testing.T) map[string]func(t *testing.T) *store.DB {
	return map[string]func(t *testing.T) *store.DB{
		"sqlite": func(t *testing.T) *store.DB {
			db, err := sqlite.Open(t.Context(), t.TempDir())
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			return db
		},
		"postgres": func(t *testing.T) *store.DB {
			db, err := postgres.Open(t.Context(), pgtest.URL(t))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			return db
		},
	}
}

// bulkFixture returns n tickets by requester, each with three entries whose
// comments name the ticket (word "markerN") so a mix-up of ids shows.
func bulkFixture(n int, requester int64) []store.BulkTicket {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out := make([]store.BulkTicket, n)
	for i := range out {
		subject := fmt.Sprintf("Bulk ticket %d: Printer café", i)
		out[i].Ticket = model.Ticket{Subject: subject, Description: fmt.Sprintf("first marker%d", i), Status: model.StatusOpen,
			RequesterID: requester, SubmitterID: requester, Tags: []string{"bulk"}, Via: "web", CreatedAt: at, UpdatedAt: at}
		for j := range 3 {
			body := fmt.Sprintf("comment %d of marker%d", j, i)
			if j == 0 {
				body = out[i].Ticket.Description
			}
			pub := j != 2
			out[i].Entries = append(out[i].Entries, store.BulkEntry{
				Audit:   model.Audit{AuthorID: requester, Via: "web", CreatedAt: at, Events: []model.AuditEvent{{Type: "Comment", Body: body, Public: &pub}}},
				Comment: &model.Comment{AuthorID: requester, Body: body, Public: pub, Via: "web", CreatedAt: at},
			})
		}
		out[i].Entries = append(out[i].Entries, store.BulkEntry{ // an audit without a comment
			Audit: model.Audit{AuthorID: requester, Via: "web", CreatedAt: at, Events: []model.AuditEvent{{Type: "Change", FieldName: "status", Value: "open"}}},
		})
	}
	return out
}

func TestBulkInsertTickets(t *testing.T) {
	t.Parallel()
	for name, open := range bulkBackends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t)
			ctx := t.Context()
			users := []model.User{{Name: "Jo", Email: "Jo@Example.com", Role: model.RoleEndUser, Active: true}, {Name: "Al", Email: "al@example.com", Role: model.RoleAgent, Active: true}}
			const n = 900 // more than one chunk of every kind
			var tickets []store.BulkTicket
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				if err := tx.BulkInsertUsers(ctx, users); err != nil {
					return err
				}
				tickets = bulkFixture(n, users[0].ID)
				return tx.BulkInsertTickets(ctx, tickets)
			}))
			u, err := db.Read().UserByEmail(ctx, "jo@example.com")
			require.NoError(t, err)
			require.Equal(t, users[0].ID, u.ID)

			for _, i := range []int{0, 399, 400, n - 1} {
				checkBulkTicket(t, db, &tickets[i], i)
			}
			q, err := search.Parse(fmt.Sprintf("marker%d printer", n-1))
			require.NoError(t, err)
			found, err := db.Read().TicketSearch(ctx, store.SearchParams{Query: q, Now: time.Now(), Limit: 10})
			require.NoError(t, err)
			require.Len(t, found, 1)
			require.Equal(t, tickets[n-1].Ticket.ID, found[0].ID)

			// The id generators moved past the bulk rows: a normal insert still works.
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				tk := tickets[0].Ticket
				id, err := tx.CreateTicket(ctx, &tk)
				require.Greater(t, id, tickets[n-1].Ticket.ID)
				return err
			}))
		})
	}
}

// checkBulkTicket reads ticket i back with its comments and audits.
func checkBulkTicket(t *testing.T, db *store.DB, bt *store.BulkTicket, i int) {
	t.Helper()
	ctx := t.Context()
	got, err := db.Read().Ticket(ctx, bt.Ticket.ID)
	require.NoError(t, err)
	require.Equal(t, bt.Ticket.Subject, got.Subject)
	cs, err := db.Read().Comments(ctx, bt.Ticket.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, cs, 3)
	as, err := db.Read().Audits(ctx, bt.Ticket.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, as, 4)
	for j, c := range cs {
		require.Contains(t, c.Body, fmt.Sprintf("marker%d", i))
		require.Equal(t, as[j].ID, c.AuditID, "comment %d belongs to its audit", j)
		require.Equal(t, c.Body, as[j].Events[0].Body)
	}
	require.False(t, cs[2].Public)
}

// TestBulkDocMatchesIndexTicket checks that a bulk-written full-text document is
// byte for byte the one IndexTicket writes for the same ticket.
func TestBulkDocMatchesIndexTicket(t *testing.T) {
	t.Parallel()
	for name, open := range bulkBackends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := open(t)
			ctx := t.Context()
			var tickets []store.BulkTicket
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				users := []model.User{{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true}}
				if err := tx.BulkInsertUsers(ctx, users); err != nil {
					return err
				}
				tickets = bulkFixture(3, users[0].ID)
				tickets[1].Entries[1].Comment.Body = "Ünïcode, punctuation!!! and   spaces -- ÉTÉ"
				return tx.BulkInsertTickets(ctx, tickets)
			}))
			docQuery := `SELECT doc FROM ticket_fts WHERE rowid = $1`
			if db.Dialect().Name == "postgres" {
				docQuery = `SELECT doc::text FROM ticket_search WHERE ticket_id = $1`
			}
			for _, bt := range tickets {
				var bulk, indexed string
				require.NoError(t, db.WriteDB().QueryRowContext(ctx, docQuery, bt.Ticket.ID).Scan(&bulk))
				require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error { return tx.IndexTicket(ctx, bt.Ticket.ID) }))
				require.NoError(t, db.WriteDB().QueryRowContext(ctx, docQuery, bt.Ticket.ID).Scan(&indexed))
				require.Equal(t, indexed, bulk)
			}
		})
	}
}

func TestBulkInsertUsersConflict(t *testing.T) {
	t.Parallel()
	db := bulkBackends(t)["sqlite"](t)
	err := db.WriteTx(t.Context(), func(tx *store.Tx) error {
		return tx.BulkInsertUsers(t.Context(), []model.User{{Name: "A", Email: "a@example.com", Role: model.RoleEndUser}, {Name: "B", Email: "A@example.com", Role: model.RoleEndUser}})
	})
	require.ErrorIs(t, err, model.ErrConflict)
}

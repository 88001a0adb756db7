package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
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
			found, err := db.Searcher().Tickets(ctx, index.Params{Query: q, Now: time.Now(), Limit: 10})
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

// TestBulkDocsMatchIndexing checks that the full-text rows bulk-written for a
// ticket are byte for byte the ones the normal write path (IndexSubject, then
// IndexComment per comment) writes for a ticket with the same text.
func TestBulkDocsMatchIndexing(t *testing.T) {
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
			for _, bt := range tickets {
				var twin int64
				require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
					tk := bt.Ticket
					id, err := tx.CreateTicket(ctx, &tk)
					if err != nil {
						return err
					}
					twin = id
					if err := tx.IndexSubject(ctx, id, tk.Subject); err != nil {
						return err
					}
					for _, e := range bt.Entries {
						if e.Comment == nil {
							continue
						}
						c := *e.Comment
						c.TicketID = id
						if _, err := tx.AddComment(ctx, &c); err != nil {
							return err
						}
						if err := tx.IndexComment(ctx, id, c.Body); err != nil {
							return err
						}
					}
					return nil
				}))
				bulk, indexed := docParts(t, db, bt.Ticket.ID), docParts(t, db, twin)
				require.Len(t, bulk, 1+countComments(bt))
				require.Equal(t, indexed, bulk)
			}
		})
	}
}

// docParts returns a ticket's full-text rows as "part: doc" lines in part order.
func docParts(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	q := `SELECT rowid & 1048575, doc FROM ticket_text WHERE rowid BETWEEN ($1 << 20) AND ($1 << 20) + 1048575 ORDER BY rowid`
	if db.Dialect().Name == "postgres" {
		q = `SELECT part, doc::text FROM ticket_search WHERE ticket_id = $1 ORDER BY part`
	}
	rows, err := db.WriteDB().QueryContext(t.Context(), q, id)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var part int64
		var doc string
		require.NoError(t, rows.Scan(&part, &doc))
		out = append(out, fmt.Sprintf("%d: %s", part, doc))
	}
	require.NoError(t, rows.Err())
	return out
}

func countComments(bt store.BulkTicket) int {
	n := 0
	for _, e := range bt.Entries {
		if e.Comment != nil {
			n++
		}
	}
	return n
}

func TestBulkInsertUsersConflict(t *testing.T) {
	t.Parallel()
	db := bulkBackends(t)["sqlite"](t)
	err := db.WriteTx(t.Context(), func(tx *store.Tx) error {
		return tx.BulkInsertUsers(t.Context(), []model.User{{Name: "A", Email: "a@example.com", Role: model.RoleEndUser}, {Name: "B", Email: "A@example.com", Role: model.RoleEndUser}})
	})
	require.ErrorIs(t, err, model.ErrConflict)
}

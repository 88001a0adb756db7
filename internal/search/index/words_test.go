package index_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestTicketWordsOverflow writes a ticket whose distinct words pass the 1 MB a
// PostgreSQL tsvector holds (six comments of 25,000 distinct words, as pasted
// logs can be): every write must still commit, the ticket stay found by the
// words that fit, and a later subject change (which rebuilds the ticket's
// words) commit too. On SQLite the ticket is found by all its words.
func TestTicketWordsOverflow(t *testing.T) {
	t.Parallel()
	comment := func(k int) string {
		var b strings.Builder
		for i := range 25000 {
			fmt.Fprintf(&b, "w%dx%06d ", k, i) // 9 bytes: 150,000 of them pass 1 MB
		}
		return b.String()
	}
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			var id int64
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				u := model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: t0, UpdatedAt: t0}
				uid, err := tx.CreateUser(ctx, u)
				if err != nil {
					return err
				}
				tk := model.Ticket{Subject: "Log dump", Status: model.StatusOpen, RequesterID: uid, SubmitterID: uid, Via: "api", CreatedAt: t0, UpdatedAt: t0}
				if id, err = tx.CreateTicket(ctx, &tk); err != nil {
					return err
				}
				tx.IndexNewTicket(ctx, id, tk.Subject, "")
				return nil
			}))
			for k := range 6 {
				require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
					body := comment(k)
					if _, err := tx.AddComment(ctx, &model.Comment{TicketID: id, AuthorID: 1, Body: body, Public: true, Via: "api", CreatedAt: t0}); err != nil {
						return err
					}
					return tx.IndexComment(ctx, id, body)
				}), "comment %d", k)
			}
			requireCounts(t, db, t0, map[string]int64{"dump": 1, "w0x000000": 1, "w1x024999": 1, "w0x000000 dump": 1, `"w0x000000 w0x000001"`: 1})
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error { return tx.IndexSubject(ctx, id, "Server log") }))
			requireCounts(t, db, t0, map[string]int64{"dump": 0, "server": 1, "w0x000000": 1, "w0x000000 server": 1})
		})
	}
}

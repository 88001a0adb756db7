package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestPurgeLeavesNothingFindable permanently deletes tickets, through the API
// (soft delete, then deleted_tickets) and through desk.PurgeTicket (the
// escalation's one-step purge of a live ticket), and then looks for their
// comment text through search and every endpoint that could show it, and in
// the tables that held it.
func TestPurgeLeavesNothingFindable(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			viaAPI := purgeCandidate(t, c, "zqxcanaryapi")
			viaDesk := purgeCandidate(t, c, "zqxcanarydesk")
			keep := newTicket(t, c, "Unrelated", "nothing secret here")
			require.Equal(t, []int64{viaAPI}, searchIDs(t, c, "zqxcanaryapi"))
			require.Equal(t, []int64{viaDesk}, searchIDs(t, c, "zqxcanarydesk"))

			require.NoError(t, c.DeleteTicket(ctx, viaAPI))
			res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", viaAPI), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			admin, err := env.Instance.DB.Read().User(ctx, env.AdminID)
			require.NoError(t, err)
			require.NoError(t, env.Instance.Desk.PurgeTicket(ctx, admin, viaDesk))

			for _, id := range []int64{viaAPI, viaDesk} {
				for _, p := range []string{"/api/v2/tickets/%d.json", "/api/v2/tickets/%d/comments.json", "/api/v2/tickets/%d/audits.json"} {
					require.Equal(t, http.StatusNotFound, env.Do(t, "GET", fmt.Sprintf(p, id), nil).Status, p)
				}
			}
			for _, canary := range []string{"zqxcanaryapi", "zqxcanarydesk"} {
				require.Empty(t, searchIDs(t, c, canary))
				n, err := c.SearchCount(ctx, &zendesk.CountOptions{Query: canary})
				require.NoError(t, err)
				require.Zero(t, n)
				for _, p := range []string{
					"/api/v2/search.json?query=" + canary,
					"/api/v2/search/export.json?filter[type]=ticket&query=" + canary,
					"/api/v2/search/export.json?filter[type]=ticket&query=type:ticket",
					"/api/v2/tickets.json",
					fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d,%d", viaAPI, viaDesk, keep),
					"/api/v2/deleted_tickets.json",
					fmt.Sprintf("/api/v2/tickets/%d/audits.json", keep),
					"/api/v2/users.json",
				} {
					res := env.Do(t, "GET", p, nil)
					require.Equal(t, http.StatusOK, res.Status, p)
					require.NotContains(t, string(res.Body), canary, p)
				}
			}
			requireNoRows(t, env, viaAPI, viaDesk)
		})
	}
}

// purgeCandidate creates a ticket whose subject, first comment and a later
// private note all carry canary, and returns its id.
func purgeCandidate(t *testing.T, c *zendesk.Client, canary string) int64 {
	t.Helper()
	id := newTicket(t, c, "Salary of "+canary, "My salary is "+canary+" per month", canary+"_tag")
	pub := false
	_, err := c.UpdateTicket(t.Context(), id, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "note: " + canary, Public: &pub}})
	require.NoError(t, err)
	return id
}

// requireNoRows checks the tables that held the tickets directly.
func requireNoRows(t *testing.T, env *apitest.Env, ids ...int64) {
	t.Helper()
	db := env.Instance.DB.WriteDB()
	index := `SELECT COUNT(*) FROM ticket_search WHERE ticket_id = $1`
	if env.Instance.DB.Dialect().Name == "sqlite" {
		index = `SELECT COUNT(*) FROM ticket_text WHERE rowid BETWEEN ($1 << 20) AND ($1 << 20) + 1048575`
	}
	for _, id := range ids {
		for _, q := range []string{`SELECT COUNT(*) FROM tickets WHERE id = $1`, `SELECT COUNT(*) FROM comments WHERE ticket_id = $1`,
			`SELECT COUNT(*) FROM audits WHERE ticket_id = $1`, `SELECT COUNT(*) FROM ticket_tags WHERE ticket_id = $1`, index} {
			var n int
			require.NoError(t, db.QueryRowContext(t.Context(), q, id).Scan(&n), q)
			require.Zero(t, n, strings.Replace(q, "$1", fmt.Sprint(id), 1))
		}
	}
}

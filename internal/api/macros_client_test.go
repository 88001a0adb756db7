package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestClientMacros drives macros with go-zendesk's own calls, then applies one to
// a ticket: the answer proposes the change and renders the comment's
// placeholders, and the ticket itself is left as it was.
func TestClientMacros(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		created, err := c.CreateMacro(ctx, zendesk.Macro{Title: "Printers::Toner", Active: true, Actions: []zendesk.MacroAction{
			{Field: "status", Value: "pending"}, {Field: "priority", Value: "high"}, {Field: "current_tags", Value: "toner"},
			{Field: "comment_value", Value: "Hello {{ticket.requester.first_name}}, toner for ticket {{ticket.id}} is on its way."},
			{Field: "comment_mode_is_public", Value: "false"},
		}})
		require.NoError(t, err)
		require.NotZero(t, created.ID)
		require.Equal(t, "Printers::Toner", created.Title)
		require.Len(t, created.Actions, 5)
		require.Nil(t, created.Restriction, "an admin's macro without a restriction is shared")

		got, err := c.GetMacro(ctx, created.ID)
		require.NoError(t, err)
		require.Equal(t, created.Actions, got.Actions)

		created.Title = "Printers::Toner ordered"
		updated, err := c.UpdateMacro(ctx, created.ID, created)
		require.NoError(t, err)
		require.Equal(t, "Printers::Toner ordered", updated.Title)

		other, err := c.CreateMacro(ctx, zendesk.Macro{Title: "Close", Active: false, Actions: []zendesk.MacroAction{{Field: "status", Value: "solved"}}})
		require.NoError(t, err)
		list, _, err := c.GetMacros(ctx, nil)
		require.NoError(t, err)
		require.Len(t, list, 2)
		var active struct {
			Macros []zendesk.Macro `json:"macros"`
		}
		getJSON(t, env, "/api/v2/macros/active.json", &active)
		require.Len(t, active.Macros, 1)
		var found struct {
			Macros []zendesk.Macro `json:"macros"`
		}
		getJSON(t, env, "/api/v2/macros/search.json?query=toner", &found)
		require.Len(t, found.Macros, 1)
		var cats struct {
			Categories []string `json:"categories"`
		}
		getJSON(t, env, "/api/v2/macros/categories.json", &cats)
		require.Equal(t, []string{"Printers"}, cats.Categories)

		ticket, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Out of toner", Comment: &zendesk.TicketComment{Body: "Empty"},
			Requester: &zendesk.Requester{Name: "Rita Requester", Email: "rita@example.com"}})
		require.NoError(t, err)
		var applied struct {
			Result struct {
				Ticket struct {
					ID       int64    `json:"id"`
					Status   string   `json:"status"`
					Priority string   `json:"priority"`
					Tags     []string `json:"tags"`
				} `json:"ticket"`
				Comment struct {
					Body   string `json:"body"`
					Public bool   `json:"public"`
				} `json:"comment"`
			} `json:"result"`
		}
		getJSON(t, env, "/api/v2/tickets/"+strconv.FormatInt(ticket.ID, 10)+"/macros/"+strconv.FormatInt(created.ID, 10)+"/apply.json", &applied)
		res := applied.Result
		require.Equal(t, ticket.ID, res.Ticket.ID)
		require.Equal(t, "pending", res.Ticket.Status)
		require.Equal(t, "high", res.Ticket.Priority)
		require.Contains(t, res.Ticket.Tags, "toner")
		require.Equal(t, "Hello Rita, toner for ticket "+strconv.FormatInt(ticket.ID, 10)+" is on its way.", res.Comment.Body)
		require.False(t, res.Comment.Public)
		after, err := c.GetTicket(ctx, ticket.ID)
		require.NoError(t, err)
		require.Equal(t, "new", after.Status, "applying a macro saves nothing")

		var bare struct {
			Result struct {
				Ticket map[string]any `json:"ticket"`
			} `json:"result"`
		}
		getJSON(t, env, "/api/v2/macros/"+strconv.FormatInt(other.ID, 10)+"/apply.json", &bare)
		require.Equal(t, "solved", bare.Result.Ticket["status"])

		require.NoError(t, c.DeleteMacro(ctx, other.ID))
		_, err = c.GetMacro(ctx, other.ID)
		requireStatus(t, err, http.StatusNotFound)
	})
}

func getJSON(t *testing.T, env *apitest.Env, path string, v any) {
	t.Helper()
	res := env.Do(t, "GET", path, nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.Decode(t, v)
}

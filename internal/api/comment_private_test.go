package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestMakeCommentPrivate: an agent turns a public reply into a private note
// with go-zendesk's MakeCommentPrivate; the requester stops seeing it, and the
// audit's Comment event says private too. An end user can't, an agent outside a
// private group meets 404, and a comment of another ticket is 404, each
// changing nothing.
func TestMakeCommentPrivate(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			ctx := context.Background()
			_, endTok := env.CreateEndUser(t, "Erin Employee", "erin@example.com")
			_, agentTok := env.CreateAgent(t, "Alex Agent", "alex@example.com")
			agent := env.Client("alex@example.com", agentTok)
			tk, err := env.AdminClient().CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", Requester: &zendesk.Requester{Email: "erin@example.com"},
				Comment: &zendesk.TicketComment{Body: "It is jammed"}})
			require.NoError(t, err)
			_, err = agent.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "Internal: serial 42 leaked here", Public: new(true)}})
			require.NoError(t, err)
			other, err := env.AdminClient().CreateTicket(ctx, zendesk.Ticket{Subject: "Other", Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			cs, err := agent.ListTicketComments(ctx, tk.ID, nil)
			require.NoError(t, err)
			require.Len(t, cs.TicketComments, 2)
			reply := cs.TicketComments[1]
			require.True(t, *reply.Public)
			endPath := fmt.Sprintf("/api/v2/tickets/%d/comments.json", tk.ID)
			require.Contains(t, string(env.Do(t, "GET", endPath, nil, apitest.As("erin@example.com", endTok)).Body), "serial 42")

			path := fmt.Sprintf("/api/v2/tickets/%d/comments/%d/make_private.json", tk.ID, reply.ID)
			before := string(env.Do(t, "GET", endPath, nil).Body)
			res := env.Do(t, "PUT", path, nil, apitest.As("erin@example.com", endTok))
			require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d/comments/%d/make_private.json", other.ID, reply.ID), nil)
			require.Equal(t, http.StatusNotFound, res.Status, string(res.Body))
			require.JSONEq(t, `{"error":"RecordNotFound","description":"Not found"}`, string(res.Body))
			require.Equal(t, before, string(env.Do(t, "GET", endPath, nil).Body), "a refused call changed the comments")

			require.NoError(t, agent.MakeCommentPrivate(ctx, tk.ID, reply.ID))
			cs, err = agent.ListTicketComments(ctx, tk.ID, nil)
			require.NoError(t, err)
			require.False(t, *cs.TicketComments[1].Public)
			require.True(t, *cs.TicketComments[0].Public, "only the comment named changed")
			require.NotContains(t, string(env.Do(t, "GET", endPath, nil, apitest.As("erin@example.com", endTok)).Body), "serial 42")
			audits, _, err := agent.GetTicketAudits(ctx, tk.ID, zendesk.PageOptions{})
			require.NoError(t, err)
			require.Len(t, audits, 2, "making a comment private adds no audit")
			ev := audits[1].Events[0].(map[string]any)
			require.Equal(t, "Comment", ev["type"])
			require.Equal(t, false, ev["public"])
			require.NoError(t, agent.MakeCommentPrivate(ctx, tk.ID, reply.ID), "a private note stays private")
		})
	}
}

// TestMakeCommentPrivateOutsider: an agent outside a private group can't reach
// its tickets' comments through make_private either.
func TestMakeCommentPrivateOutsider(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	d := setupPrivateDesk(t, env)
	before := d.payState(t)
	res := d.hanaDo(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d/comments/%d/make_private.json", d.payTicket, d.payComment), nil)
	require.Equal(t, http.StatusNotFound, res.Status, string(res.Body))
	require.Equal(t, before, d.payState(t))
}

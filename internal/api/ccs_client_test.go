package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

// TestClientCCsAndFollowers: go-zendesk's collaborators on create and its
// email_cc_ids / follower_ids on update are stored and answered; Zendesk's
// email_ccs and followers put and delete; round-tripping a fetched ticket
// changes nothing; the audit records the change.
func TestClientCCsAndFollowers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		bob, _ := env.CreateEndUser(t, "Bob", "bob@example.com")
		ada, _ := env.CreateAgent(t, "Ada", "ada@example.com")
		var collab zendesk.Collaborators
		require.NoError(t, collab.Append(bob))
		require.NoError(t, collab.Append(ada))
		require.NoError(t, collab.Append("carol@example.com"))
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "VPN", Comment: &zendesk.TicketComment{Body: "down"},
			Requester: &zendesk.Requester{Name: "Ann", Email: "ann@example.com"}, Collaborators: &collab})
		require.NoError(t, err)
		require.Len(t, tk.EmailCCIDs, 2, "end users become CCs: %+v", tk)
		require.Equal(t, bob, tk.EmailCCIDs[0])
		require.Equal(t, []int64{ada}, tk.FollowerIDs, "agents become followers")
		require.ElementsMatch(t, append(tk.EmailCCIDs, ada), tk.CollaboratorIDs)
		carol := tk.EmailCCIDs[1]
		var ccd struct {
			Tickets []zendesk.Ticket `json:"tickets"`
			Count   int              `json:"count"`
		}
		getJSON(t, env, fmt.Sprintf("/api/v2/users/%d/tickets/ccd.json", bob), &ccd)
		require.Len(t, ccd.Tickets, 1, "bob's CC'd tickets")
		getJSON(t, env, fmt.Sprintf("/api/v2/users/%d/tickets/ccd.json", ada), &ccd)
		require.Empty(t, ccd.Tickets, "a follower is not a CC")

		got, err := c.GetTicket(ctx, tk.ID)
		require.NoError(t, err)
		require.Equal(t, tk.EmailCCIDs, got.EmailCCIDs, "stored")

		// A fetched ticket sent back as it is changes nothing (no audit).
		got.Comment, got.Description = nil, "" // description on an update is a comment (tickets.go)
		_, err = c.UpdateTicket(ctx, tk.ID, got)
		require.NoError(t, err)
		audits := ticketAudits(t, env, tk.ID)
		require.Len(t, audits, 1, "a round trip made an audit")

		// go-zendesk's update sends the lists; the specific lists win.
		upd, err := c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{EmailCCIDs: []int64{carol}, FollowerIDs: []int64{ada, env.AdminID}})
		require.NoError(t, err)
		require.Equal(t, []int64{carol}, upd.EmailCCIDs)
		require.Len(t, upd.FollowerIDs, 2)

		res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID), map[string]any{"ticket": map[string]any{
			"email_ccs": []map[string]any{{"user_id": carol, "action": "delete"}, {"user_email": "dan@example.com", "user_name": "Dan", "action": "put"}},
			"followers": []map[string]any{{"user_id": ada, "action": "delete"}},
		}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var body struct{ Ticket zendesk.Ticket }
		res.Decode(t, &body)
		require.Len(t, body.Ticket.EmailCCIDs, 1)
		require.NotEqual(t, carol, body.Ticket.EmailCCIDs[0], "carol was removed, dan added")
		require.Equal(t, []int64{env.AdminID}, body.Ticket.FollowerIDs)
		var found bool
		for _, e := range ticketAudits(t, env, tk.ID)[2].Events {
			found = found || e.FieldName == "email_cc_ids"
		}
		require.True(t, found, "the change of CCs is audited")
	})
}

// TestCCsBadInput: an unknown user, an end user as follower, a bad action or
// too many CCs is a 422 that names the field and changes nothing.
func TestCCsBadInput(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c := env.AdminClient()
	ctx := context.Background()
	bob, _ := env.CreateEndUser(t, "Bob", "bob@example.com")
	tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "x", Comment: &zendesk.TicketComment{Body: "y"}})
	require.NoError(t, err)
	_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{EmailCCIDs: []int64{999999}})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	_, err = c.CreateTicket(ctx, zendesk.Ticket{Subject: "x", Comment: &zendesk.TicketComment{Body: "y"}, FollowerIDs: []int64{999999}})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	many := make([]map[string]any, desk.MaxTicketCCs+1)
	for i := range many {
		many[i] = map[string]any{"user_email": fmt.Sprintf("u%d@example.com", i)}
	}
	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"unknown cc id":        {map[string]any{"email_ccs": []map[string]any{{"user_id": 999999}}}, "email_ccs"},
		"end user follows":     {map[string]any{"followers": []map[string]any{{"user_id": bob}}}, "followers"},
		"bad action":           {map[string]any{"email_ccs": []map[string]any{{"user_id": bob, "action": "add"}}}, "email_ccs"},
		"unknown collaborator": {map[string]any{"collaborator_ids": []int64{999999}}, "collaborator_ids"},
		"too many":             {map[string]any{"email_ccs": many}, "email_ccs"},
		"bad email":            {map[string]any{"email_ccs": []map[string]any{{"user_email": "not-an-email"}}}, "email_ccs"},
	} {
		t.Run(name, func(t *testing.T) {
			res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID), map[string]any{"ticket": tc.body})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			var e struct {
				Error   string
				Details map[string][]map[string]any
			}
			res.Decode(t, &e)
			require.Equal(t, "RecordInvalid", e.Error)
			require.Contains(t, e.Details, tc.field, string(res.Body))
		})
	}
	after, err := c.GetTicket(ctx, tk.ID)
	require.NoError(t, err)
	require.Empty(t, after.EmailCCIDs)
	require.Empty(t, after.FollowerIDs)
	require.Len(t, ticketAudits(t, env, tk.ID), 1, "nothing changed")
}

type auditEvents struct {
	Events []struct {
		FieldName string `json:"field_name"`
	} `json:"events"`
}

// ticketAudits lists a ticket's audits with their events' field names.
func ticketAudits(t *testing.T, env *apitest.Env, id int64) []auditEvents {
	t.Helper()
	var out struct {
		Audits []auditEvents `json:"audits"`
	}
	getJSON(t, env, fmt.Sprintf("/api/v2/tickets/%d/audits.json", id), &out)
	return out.Audits
}

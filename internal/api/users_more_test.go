package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestClientUsersMore drives the users endpoints of issue 21 with go-zendesk:
// show_many, count, autocomplete, related, identities, user_fields, the ticket
// lists of a user, create_many and create_or_update_many.
func TestClientUsersMore(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		agentID, _ := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		ritaID, ritaToken := env.CreateEndUser(t, "Rita Requester", "rita@example.com")
		_, err := c.Put(ctx, fmt.Sprintf("/users/%d.json", ritaID), map[string]any{"user": map[string]any{"external_id": "crm-rita"}})
		require.NoError(t, err)
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", RequesterID: ritaID, AssigneeID: agentID,
			Comment: &zendesk.TicketComment{Body: "jammed"}})
		require.NoError(t, err)

		many, _, err := c.GetManyUsers(ctx, &zendesk.GetManyUsersOptions{IDs: fmt.Sprintf("%d,%d,999999", agentID, ritaID)})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"ada@example.com", "rita@example.com"}, []string{many[0].Email, many[1].Email})
		byExt, _, err := c.GetManyUsers(ctx, &zendesk.GetManyUsersOptions{ExternalIDs: "crm-rita,nobody"})
		require.NoError(t, err)
		require.Len(t, byExt, 1)
		require.Equal(t, ritaID, byExt[0].ID)

		var count struct {
			Count struct{ Value int64 } `json:"count"`
		}
		body, err := c.Get(ctx, "/users/count.json")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(body, &count))
		require.EqualValues(t, 3, count.Count.Value)

		var ac struct{ Users []zendesk.User }
		body, err = c.Get(ctx, "/users/autocomplete.json?name=ri")
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(body, &ac))
		require.Len(t, ac.Users, 1)
		require.Equal(t, ritaID, ac.Users[0].ID)
		_, err = c.Get(ctx, "/users/autocomplete.json?name=r")
		requireStatus(t, err, http.StatusUnprocessableEntity)

		rel, err := c.GetUserRelated(ctx, agentID)
		require.NoError(t, err)
		require.EqualValues(t, 1, rel.AssignedTickets)
		rel, err = c.GetUserRelated(ctx, ritaID)
		require.NoError(t, err)
		require.EqualValues(t, 1, rel.RequestedTickets)

		var ids struct {
			Identities []struct {
				Type, Value string
				Primary     bool
				UserID      int64 `json:"user_id"`
			}
		}
		body, err = c.Get(ctx, fmt.Sprintf("/users/%d/identities.json", ritaID))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(body, &ids))
		require.Len(t, ids.Identities, 1)
		require.Equal(t, "rita@example.com", ids.Identities[0].Value)
		require.True(t, ids.Identities[0].Primary)

		fields, _, err := c.GetUserFields(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, fields)

		for kind, want := range map[string]int{"requested": 1, "assigned": 0, "ccd": 0} {
			var out struct {
				Tickets []zendesk.Ticket
				Count   int
			}
			body, err = c.Get(ctx, fmt.Sprintf("/users/%d/tickets/%s.json", ritaID, kind))
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(body, &out))
			require.Len(t, out.Tickets, want, kind)
			if want == 1 {
				require.Equal(t, tk.ID, out.Tickets[0].ID)
			}
		}
		_, err = c.Get(ctx, fmt.Sprintf("/users/%d/tickets/watched.json", ritaID))
		requireStatus(t, err, http.StatusNotFound)

		// An end user sees only themself, and none of the lists.
		rita := env.Client("rita@example.com", ritaToken)
		_, err = rita.GetUserRelated(ctx, ritaID)
		require.NoError(t, err)
		_, err = rita.GetUserRelated(ctx, agentID)
		requireStatus(t, err, http.StatusForbidden)
		_, _, err = rita.GetManyUsers(ctx, &zendesk.GetManyUsersOptions{IDs: fmt.Sprint(agentID)})
		requireStatus(t, err, http.StatusForbidden)
		_, err = rita.Get(ctx, "/users/count.json")
		requireStatus(t, err, http.StatusForbidden)
		_, err = rita.Get(ctx, fmt.Sprintf("/users/%d/tickets/requested.json", ritaID))
		requireStatus(t, err, http.StatusForbidden)
	})
}

type jobOut struct {
	JobStatus struct {
		Status  string
		JobType string `json:"job_type"`
		Results []struct {
			ID      int64
			Index   int
			Action  string
			Success bool
			Status  string
			Error   string
		}
	} `json:"job_status"`
}

func TestClientUsersCreateMany(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		body, err := c.Post(ctx, "/users/create_many.json", map[string]any{"users": []map[string]any{
			{"name": "One", "email": "one@example.com"},
			{"name": "Bad", "email": "not an email"},
			{"name": "Two", "email": "two@example.com", "external_id": "x2"},
		}})
		require.NoError(t, err)
		var j jobOut
		require.NoError(t, json.Unmarshal(body, &j))
		require.Equal(t, "completed", j.JobStatus.Status)
		require.Len(t, j.JobStatus.Results, 3)
		require.True(t, j.JobStatus.Results[0].Success)
		require.False(t, j.JobStatus.Results[1].Success, "an invalid user fails alone")
		require.Equal(t, "RecordInvalid", j.JobStatus.Results[1].Error)
		require.True(t, j.JobStatus.Results[2].Success)
		two, err := c.GetUser(ctx, j.JobStatus.Results[2].ID)
		require.NoError(t, err)
		require.Equal(t, "two@example.com", two.Email)

		body, err = c.Post(ctx, "/users/create_or_update_many.json", map[string]any{"users": []map[string]any{
			{"name": "Two Renamed", "email": "two@example.com"},
			{"name": "Three", "email": "three@example.com"},
		}})
		require.NoError(t, err)
		j = jobOut{}
		require.NoError(t, json.Unmarshal(body, &j))
		require.Equal(t, "update", j.JobStatus.Results[0].Action)
		require.Equal(t, two.ID, j.JobStatus.Results[0].ID)
		require.Equal(t, "create", j.JobStatus.Results[1].Action)
		two, err = c.GetUser(ctx, two.ID)
		require.NoError(t, err)
		require.Equal(t, "Two Renamed", two.Name)

		_, err = c.Post(ctx, "/users/create_many.json", map[string]any{"users": []map[string]any{}})
		requireStatus(t, err, http.StatusBadRequest)
		_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
		_, err = env.Client("ada@example.com", agentToken).Post(ctx, "/users/create_many.json",
			map[string]any{"users": []map[string]any{{"name": "Boss", "email": "boss@example.com", "role": "admin"}}})
		require.NoError(t, err, "the job answers; the record fails")
		found, _, err := c.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: "boss@example.com"})
		require.NoError(t, err)
		require.Empty(t, found, "an agent's job can't create an admin")
	})
}

// TestClientUsersDelete: a deleted user stays, inactive, with their tickets, and
// can no longer use their token; agents can't delete staff, nobody deletes
// themself or the peer identity.
func TestClientUsersDelete(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		agentID, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		ritaID, ritaToken := env.CreateEndUser(t, "Rita Requester", "rita@example.com")
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", RequesterID: ritaID, Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)

		ada := env.Client("ada@example.com", agentToken)
		requireStatus(t, ada.Delete(ctx, fmt.Sprintf("/users/%d.json", env.AdminID)), http.StatusForbidden)
		requireStatus(t, c.Delete(ctx, fmt.Sprintf("/users/%d.json", env.AdminID)), http.StatusForbidden)
		requireStatus(t, env.Client("rita@example.com", ritaToken).Delete(ctx, fmt.Sprintf("/users/%d.json", agentID)), http.StatusForbidden)

		res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/users/%d.json", ritaID), nil, apitest.As("ada@example.com", agentToken))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var out struct{ User zendesk.User }
		res.Decode(t, &out)
		require.False(t, out.User.Active)
		require.False(t, out.User.Suspended)
		got, err := c.GetUser(ctx, ritaID)
		require.NoError(t, err)
		require.False(t, got.Active)
		kept, err := c.GetTicket(ctx, tk.ID)
		require.NoError(t, err)
		require.Equal(t, ritaID, kept.RequesterID, "tickets are kept")
		_, err = env.Client("rita@example.com", ritaToken).GetUser(ctx, ritaID)
		requireStatus(t, err, http.StatusUnauthorized)
		requireStatus(t, c.Delete(ctx, fmt.Sprintf("/users/%d.json", ritaID)), http.StatusNotFound)
		_, err = c.UpdateUser(ctx, ritaID, zendesk.User{Name: "Back"})
		requireStatus(t, err, http.StatusUnprocessableEntity)

		body, err := c.Post(ctx, "/twindesk/peer_identities/standard/token.json", map[string]any{})
		require.NoError(t, err)
		var peer struct {
			PeerIdentity struct {
				UserID int64 `json:"user_id"`
			} `json:"peer_identity"`
		}
		require.NoError(t, json.Unmarshal(body, &peer))
		requireStatus(t, c.Delete(ctx, fmt.Sprintf("/users/%d.json", peer.PeerIdentity.UserID)), http.StatusForbidden)
	})
}

// TestIDsNeverReused deletes the newest group, ticket field, form, trigger and
// target and creates another: it must get a new id (issue 21 point 7).
func TestIDsNeverReused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		check := idNotReused(t)
		check("group", func(i int) int64 {
			g, err := c.CreateGroup(ctx, zendesk.Group{Name: fmt.Sprint("G", i)})
			require.NoError(t, err)
			return g.ID
		}, func(id int64) error { return c.DeleteGroup(ctx, id) })
		check("ticket field", func(i int) int64 {
			f, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "text", Title: fmt.Sprint("F", i)})
			require.NoError(t, err)
			return f.ID
		}, func(id int64) error { return c.DeleteTicketField(ctx, id) })
		check("ticket form", func(i int) int64 {
			f, err := c.CreateTicketForm(ctx, zendesk.TicketForm{Name: fmt.Sprint("Form", i)})
			require.NoError(t, err)
			return f.ID
		}, func(id int64) error { return c.DeleteTicketForm(ctx, id) })
		check("trigger", func(i int) int64 {
			body, err := c.Post(ctx, "/triggers.json", map[string]any{"trigger": map[string]any{"title": fmt.Sprint("T", i),
				"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "is", "value": "new"}}},
				"actions":    []map[string]any{{"field": "current_tags", "value": "x"}}}})
			require.NoError(t, err)
			var out struct{ Trigger struct{ ID int64 } }
			require.NoError(t, json.Unmarshal(body, &out))
			return out.Trigger.ID
		}, func(id int64) error { return c.DeleteTrigger(ctx, id) })
		check("target", func(i int) int64 {
			tg, err := c.CreateTarget(ctx, zendesk.Target{Type: "http_target", Title: fmt.Sprint("Hook", i),
				TargetURL: "https://example.com/hook", Method: "post", ContentType: "application/json"})
			require.NoError(t, err)
			return tg.ID
		}, func(id int64) error { return c.DeleteTarget(ctx, id) })
	})
}

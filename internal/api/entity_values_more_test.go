package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestFieldValuesInBulk sends user_fields through create_many and
// create_or_update_many, and organization_fields through the organizations'
// create_many and update_many: a record with a bad value fails in the job
// results and writes nothing (no user, no value, no notes), the others are
// stored whole.
func TestFieldValuesInBulk(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		makeFields(t, c, []zendesk.UserField{{Type: "integer", Title: "Employee number", Key: "employee_number"}},
			[]zendesk.OrganizationField{{Type: "text", Title: "Cost centre", Key: "cost_centre"}})
		users, values := env.Counts(t)["users"], fieldValueRows(t, env)

		body, err := c.Post(ctx, "/users/create_many.json", map[string]any{"users": []map[string]any{
			{"name": "One", "email": "one@example.com", "notes": "n1", "user_fields": map[string]any{"employee_number": 1}},
			{"name": "Bad", "email": "bad@example.com", "notes": "n2", "tags": []string{"x"}, "user_fields": map[string]any{"employee_number": "12a"}},
		}})
		require.NoError(t, err)
		var j jobOut
		require.NoError(t, json.Unmarshal(body, &j))
		require.True(t, j.JobStatus.Results[0].Success)
		require.False(t, j.JobStatus.Results[1].Success)
		require.Equal(t, "RecordInvalid", j.JobStatus.Results[1].Error)
		require.Equal(t, users+1, env.Counts(t)["users"], "the user with a bad value was not created")
		require.Equal(t, values+1, fieldValueRows(t, env), "only the good user's value was stored")
		found, _, err := c.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: "bad@example.com"})
		require.NoError(t, err)
		require.Empty(t, found)
		one, err := c.GetUser(ctx, j.JobStatus.Results[0].ID)
		require.NoError(t, err)
		require.Equal(t, float64(1), one.UserFields["employee_number"])
		require.Equal(t, "n1", one.Notes)

		body, err = c.Post(ctx, "/users/create_or_update_many.json", map[string]any{"users": []map[string]any{
			{"email": "one@example.com", "user_fields": map[string]any{"employee_number": 2}, "details": "d"},
			{"email": "one@example.com", "notes": "lost", "user_fields": map[string]any{"employee_number": "two"}},
		}})
		require.NoError(t, err)
		j = jobOut{}
		require.NoError(t, json.Unmarshal(body, &j))
		require.True(t, j.JobStatus.Results[0].Success)
		require.False(t, j.JobStatus.Results[1].Success)
		one, err = c.GetUser(ctx, one.ID)
		require.NoError(t, err)
		require.Equal(t, float64(2), one.UserFields["employee_number"])
		require.Equal(t, "n1", one.Notes, "the failed update wrote none of its attributes")
		require.Equal(t, "d", one.Details)

		body, err = c.Post(ctx, "/organizations/create_many.json", map[string]any{"organizations": []map[string]any{
			{"name": "Acme", "organization_fields": map[string]any{"cost_centre": "CC-1"}, "tags": []string{"gold"}},
			{"name": "Bad group", "group_id": 999999, "organization_fields": map[string]any{"cost_centre": "CC-2"}},
		}})
		require.NoError(t, err)
		j = jobOut{}
		require.NoError(t, json.Unmarshal(body, &j))
		require.True(t, j.JobStatus.Results[0].Success)
		require.False(t, j.JobStatus.Results[1].Success, "an unknown group fails the record")
		require.Equal(t, values+2, fieldValueRows(t, env))
		acme := j.JobStatus.Results[0].ID
		res := env.Do(t, "PUT", "/api/v2/organizations/update_many.json", map[string]any{"organizations": []map[string]any{
			{"id": acme, "organization_fields": map[string]any{"cost_centre": "CC-9"}, "shared_tickets": true}}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		o, err := c.GetOrganization(ctx, acme)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"cost_centre": "CC-9"}, o.OrganizationFields)
		require.Equal(t, []string{"gold"}, o.Tags)
		require.True(t, o.SharedTickets)
	})
}

// TestFieldValuePermissions: staff read values and notes; an end user sees
// neither, not even on their own record, and can't write them; agents can't
// write an admin's; a permanent delete takes the values with the user.
func TestFieldValuePermissions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		makeFields(t, env.AdminClient(), []zendesk.UserField{{Type: "text", Title: "Employee number", Key: "employee_number"}}, nil)
		agentID, agentTok := env.CreateAgent(t, "Ada", "ada@example.com")
		erinID, erinTok := env.CreateEndUser(t, "Erin", "erin@example.com")
		agent, erin := apitest.As("ada@example.com", agentTok), apitest.As("erin@example.com", erinTok)
		erinPath := fmt.Sprintf("/api/v2/users/%d.json", erinID)

		res := env.Do(t, "PUT", erinPath, map[string]any{"user": map[string]any{"notes": "canary-notes", "details": "canary-details",
			"user_fields": map[string]any{"employee_number": "canary-number"}}}, agent)
		require.Equal(t, http.StatusOK, res.Status, "an agent writes an end user's profile: %s", res.Body)
		res = env.Do(t, "GET", erinPath, nil, agent)
		require.Equal(t, http.StatusOK, res.Status)
		require.Contains(t, string(res.Body), "canary-number", "agents read values")
		require.Contains(t, string(res.Body), "canary-notes")
		for _, path := range []string{erinPath, "/api/v2/users/me.json"} {
			res = env.Do(t, "GET", path, nil, erin)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			for _, canary := range []string{"canary-number", "canary-notes", "canary-details", "employee_number"} {
				require.NotContains(t, string(res.Body), canary, "an end user reads %s on %s", canary, path)
			}
		}
		for _, body := range []map[string]any{
			{"notes": "mine"}, {"details": "mine"}, {"tags": []string{"vip"}},
			{"user_fields": map[string]any{"employee_number": "1"}},
		} {
			res = env.Do(t, "PUT", erinPath, map[string]any{"user": body}, erin)
			require.Equal(t, http.StatusForbidden, res.Status, "an end user writes %v on themself: %s", body, res.Body)
		}
		res = env.Do(t, "PUT", erinPath, map[string]any{"user": map[string]any{"name": "Erin B", "user_fields": nil}}, erin)
		require.Equal(t, http.StatusOK, res.Status, "a plain self-update still works: %s", res.Body)
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", env.AdminID), map[string]any{"user": map[string]any{"notes": "x"}}, agent)
		require.Equal(t, http.StatusForbidden, res.Status, "an agent writes an admin's notes")
		res = env.Do(t, "PUT", erinPath, map[string]any{"user": map[string]any{"signature": "Erin"}}, agent)
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, "an end user has no signature")
		require.Contains(t, string(res.Body), `"signature":[`)
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", agentID), map[string]any{"user": map[string]any{"signature": "Ada, IT"}}, agent)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"signature":"Ada, IT"`)

		values := fieldValueRows(t, env)
		require.Equal(t, http.StatusOK, env.Do(t, "DELETE", erinPath, nil).Status)
		require.Equal(t, http.StatusOK, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", erinID), nil).Status)
		require.Equal(t, values-1, fieldValueRows(t, env), "a permanent delete drops the user's values")
		res = env.Do(t, "GET", erinPath, nil)
		require.NotContains(t, string(res.Body), "canary")
	})
}

// TestSearchByFieldValue finds users by a user field (employee_number:1234,
// as Zendesk's search does), by details: and notes:, and organizations by an
// organization field; a value of another field or record matches nothing.
func TestSearchByFieldValue(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		makeFields(t, c, []zendesk.UserField{{Type: "text", Title: "Employee number", Key: "employee_number"},
			{Type: "text", Title: "Badge", Key: "badge"}}, []zendesk.OrganizationField{{Type: "text", Title: "Cost centre", Key: "cost_centre"}})
		erin, err := c.CreateUser(ctx, zendesk.User{Name: "Erin", Email: "erin@example.com", Notes: "Prefers phone",
			Details: "Building 4", UserFields: zendesk.UserFields{"employee_number": "1234", "badge": "B-9"}})
		require.NoError(t, err)
		_, err = c.CreateUser(ctx, zendesk.User{Name: "Finn", Email: "finn@example.com", UserFields: zendesk.UserFields{"employee_number": "5678", "badge": "1234"}})
		require.NoError(t, err)
		acme, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme", OrganizationFields: map[string]any{"cost_centre": "CC-17"}})
		require.NoError(t, err)
		search := func(q string) []int64 {
			res := env.Do(t, "GET", "/api/v2/search.json?query="+url.QueryEscape(q), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var body struct{ Results []struct{ ID int64 } }
			res.Decode(t, &body)
			ids := []int64{}
			for _, r := range body.Results {
				ids = append(ids, r.ID)
			}
			return ids
		}
		require.Equal(t, []int64{erin.ID}, search("type:user employee_number:1234"))
		require.Equal(t, []int64{erin.ID}, search("type:user Employee_Number:12*"))
		require.Equal(t, []int64{erin.ID}, search("type:user notes:phone"))
		require.Equal(t, []int64{erin.ID}, search("type:user details:building"))
		require.Empty(t, search("type:user employee_number:9999"))
		require.Empty(t, search("type:user no_such_field:1234"))
		require.Equal(t, []int64{acme.ID}, search("type:organization cost_centre:cc-17"))
		require.Empty(t, search("type:organization employee_number:1234"), "a user field is not an organization's")
	})
}

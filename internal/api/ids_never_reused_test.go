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

// idNotReused returns a check that creates a record, deletes it and creates
// another, which must get a greater id.
func idNotReused(t *testing.T) func(what string, create func(i int) int64, del func(id int64) error) {
	return func(what string, create func(i int) int64, del func(id int64) error) {
		first := create(1)
		require.NoError(t, del(first), what)
		second := create(2)
		require.Greater(t, second, first, "%s: the deleted id %d was handed out again", what, first)
	}
}

// TestMoreIDsNeverReused is TestIDsNeverReused for the rest of issue 21 point 7's
// list: macros, views, automations, SLA policies, schedules, organizations, users
// and group memberships. Each deletes the newest record of its kind and creates
// another, which must get a new id: on SQLite a table without AUTOINCREMENT hands
// the deleted id out again.
func TestMoreIDsNeverReused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		check := idNotReused(t)
		// post creates one record through the raw API and answers the id under key.
		post := func(path, key string, body map[string]any) int64 {
			res := env.Do(t, "POST", "/api/v2"+path, map[string]any{key: body})
			require.Equal(t, http.StatusCreated, res.Status, "%s: %s", path, res.Body)
			var out map[string]struct {
				ID int64 `json:"id"`
			}
			require.NoError(t, json.Unmarshal(res.Body, &out))
			require.NotZero(t, out[key].ID, path)
			return out[key].ID
		}
		del := func(pattern string) func(id int64) error {
			return func(id int64) error { return c.Delete(ctx, fmt.Sprintf(pattern, id)) }
		}

		check("macro", func(i int) int64 {
			m, err := c.CreateMacro(ctx, censusMacro(fmt.Sprint("Macro ", i)))
			require.NoError(t, err)
			return m.ID
		}, func(id int64) error { return c.DeleteMacro(ctx, id) })
		check("view", func(i int) int64 {
			return post("/views.json", "view", map[string]any{"title": fmt.Sprint("View ", i),
				"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"}}}})
		}, del("/views/%d.json"))
		check("automation", func(i int) int64 {
			a, err := c.CreateAutomation(ctx, censusAutomation(fmt.Sprint("Automation ", i)))
			require.NoError(t, err)
			return a.ID
		}, func(id int64) error { return c.DeleteAutomation(ctx, id) })
		check("SLA policy", func(i int) int64 {
			p, err := c.CreateSLAPolicy(ctx, censusSLA(fmt.Sprint("SLA ", i)))
			require.NoError(t, err)
			return p.ID
		}, func(id int64) error { return c.DeleteSLAPolicy(ctx, id) })
		check("schedule", func(i int) int64 {
			return post("/business_hours/schedules.json", "schedule", map[string]any{"name": fmt.Sprint("Hours ", i), "time_zone": "Europe/Berlin"})
		}, del("/business_hours/schedules/%d.json"))
		check("organization", func(i int) int64 {
			o, err := c.CreateOrganization(ctx, zendesk.Organization{Name: fmt.Sprint("Org ", i)})
			require.NoError(t, err)
			return o.ID
		}, func(id int64) error { return c.DeleteOrganization(ctx, id) })
		check("user", func(i int) int64 {
			u, err := c.CreateUser(ctx, zendesk.User{Name: fmt.Sprint("User ", i), Email: fmt.Sprintf("reuse%d@example.com", i)})
			require.NoError(t, err)
			return u.ID
		}, func(id int64) error {
			// Zendesk answers a user's delete with the user, 200: go-zendesk's Delete wants 204.
			res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/users/%d.json", id), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			return nil
		})

		agent, err := c.CreateUser(ctx, zendesk.User{Name: "Member", Email: "member@example.com", Role: "agent"})
		require.NoError(t, err)
		check("group membership", func(i int) int64 {
			g, err := c.CreateGroup(ctx, zendesk.Group{Name: fmt.Sprint("Members ", i)})
			require.NoError(t, err)
			return post("/group_memberships.json", "group_membership", map[string]any{"user_id": agent.ID, "group_id": g.ID})
		}, del("/group_memberships/%d.json"))
	})
}

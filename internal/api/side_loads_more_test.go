package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestSideLoadsSearchViewsExports asks search (both include forms), a view's
// tickets and execute, and both incremental ticket exports for
// include=users,groups,organizations: each answers the ticket's requester,
// assignee, group and organization at the top level, and nothing without
// include. A purged ticket, which the exports show as its id alone, side-loads
// nothing: its requester, named by no other ticket, is in no export.
func TestSideLoadsSearchViewsExports(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		adaID, _ := env.CreateAgent(t, "Ada", "ada@example.com")
		eveID, _ := env.CreateEndUser(t, "Eve", "eve@example.com")
		piaID, _ := env.CreateEndUser(t, "Pia Purged", "pia@example.com")
		g, err := c.CreateGroup(ctx, zendesk.Group{Name: "IT"})
		require.NoError(t, err)
		_, err = c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": adaID, "group_id": g.ID}})
		require.NoError(t, err)
		org, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
		require.NoError(t, err)
		_, err = c.CreateOrganizationMembership(ctx, zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: org.ID})
		require.NoError(t, err)
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer jammed", RequesterID: eveID, AssigneeID: adaID,
			GroupID: groupID(g.ID), Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)
		gone, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Salary of Pia", RequesterID: piaID, Comment: &zendesk.TicketComment{Body: "y"}})
		require.NoError(t, err)
		require.NoError(t, c.DeleteTicket(ctx, gone.ID))
		res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", gone.ID), nil)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"status":"completed"`)
		res = env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Unsolved",
			"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"}}}}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var v struct {
			View struct{ ID int64 } `json:"view"`
		}
		res.Decode(t, &v)

		get := func(path string) sideLoaded {
			t.Helper()
			res := env.Do(t, "GET", path, nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var out sideLoaded
			res.Decode(t, &out)
			return out
		}
		check := func(path string, users, groups, orgs bool) {
			t.Helper()
			out := get(path)
			require.Equal(t, users, out.Users != nil, "%s: users", path)
			require.Equal(t, groups, out.Groups != nil, "%s: groups", path)
			require.Equal(t, orgs, out.Organizations != nil, "%s: organizations", path)
			if users {
				require.Contains(t, sideIDs(out.Users), eveID, path)
				require.Contains(t, sideIDs(out.Users), adaID, path)
				require.NotContains(t, sideIDs(out.Users), piaID, "%s: the purged ticket's requester", path)
			}
			if groups {
				require.Equal(t, []int64{g.ID}, sideIDs(out.Groups), path)
			}
			if orgs {
				require.Equal(t, []int64{org.ID}, sideIDs(out.Organizations), path)
			}
		}
		search := "/api/v2/search.json?query=" + url.QueryEscape("type:ticket printer")
		check(search+"&include="+url.QueryEscape("tickets(users,groups,organizations)"), true, true, true)
		check(search+"&include=users,groups,organizations", true, true, true)
		check(search, false, false, false)
		check(fmt.Sprintf("/api/v2/views/%d/tickets.json?include=users,groups", v.View.ID), true, true, false)
		exec := get(fmt.Sprintf("/api/v2/views/%d/execute.json?include=users,groups,organizations", v.View.ID))
		require.Contains(t, sideIDs(exec.Users), eveID)
		require.Equal(t, []int64{org.ID}, sideIDs(exec.Organizations))
		require.Empty(t, *exec.Groups, "execute's groups are the rows' groupings, not side-loaded groups")
		require.Nil(t, get(fmt.Sprintf("/api/v2/views/%d/execute.json", v.View.ID)).Users)
		check(fmt.Sprintf("/api/v2/views/%d/tickets.json", v.View.ID), false, false, false)

		// The exports leave the last whole second for later: wait until both tickets are in.
		require.Eventually(t, func() bool {
			out := get("/api/v2/incremental/tickets/cursor.json?start_time=0")
			return len(out.Tickets) == 2
		}, 5*time.Second, 200*time.Millisecond)
		for _, path := range []string{"/api/v2/incremental/tickets/cursor.json?start_time=0", "/api/v2/incremental/tickets.json?start_time=0"} {
			check(path+"&include=users,groups,organizations", true, true, true)
			check(path, false, false, false)
			out := get(path + "&include=users")
			require.Len(t, out.Tickets, 2, "the purged ticket is still listed, by id")
		}
		require.Equal(t, tk.ID, get("/api/v2/incremental/tickets.json?start_time=0").Tickets[0].ID)
	})
}

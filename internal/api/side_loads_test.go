package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type sideLoaded struct {
	Ticket *struct {
		CommentCount *int64 `json:"comment_count"`
	} `json:"ticket"`
	Tickets []struct {
		ID           int64  `json:"id"`
		CommentCount *int64 `json:"comment_count"`
	} `json:"tickets"`
	Users         *[]struct{ ID int64 } `json:"users"`
	Groups        *[]struct{ ID int64 } `json:"groups"`
	Organizations *[]struct{ ID int64 } `json:"organizations"`
}

func sideIDs(list *[]struct{ ID int64 }) []int64 {
	var out []int64
	for _, x := range *list {
		out = append(out, x.ID)
	}
	slices.Sort(out)
	return out
}

// TestTicketSideLoads asks tickets list, show and show_many for
// include=users,groups,organizations,comment_count and checks Zendesk's shapes:
// each named user, group and organization once at the top level, a comment
// count on each ticket; nothing without include, nor for an end user.
func TestTicketSideLoads(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		agentID, _ := env.CreateAgent(t, "Ada", "ada@example.com")
		eveID, eveToken := env.CreateEndUser(t, "Eve", "eve@example.com")
		g, err := c.CreateGroup(ctx, zendesk.Group{Name: "IT"})
		require.NoError(t, err)
		_, err = c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": agentID, "group_id": g.ID}})
		require.NoError(t, err)
		org, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
		require.NoError(t, err)
		_, err = c.CreateOrganizationMembership(ctx, zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: org.ID})
		require.NoError(t, err)
		var ids []int64
		for i := range 3 {
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: fmt.Sprint("T", i), RequesterID: eveID,
				Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			ids = append(ids, tk.ID)
		}
		_, err = c.UpdateTicket(ctx, ids[1], zendesk.Ticket{AssigneeID: agentID, GroupID: groupID(g.ID),
			Comment: &zendesk.TicketComment{Body: "on it"}})
		require.NoError(t, err)

		const all = "include=users,groups,organizations,comment_count"
		for _, path := range []string{"/api/v2/tickets.json?" + all, "/api/v2/tickets.json?page[size]=10&" + all,
			fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d,%d&%s", ids[0], ids[1], ids[2], all)} {
			var got sideLoaded
			res := env.Do(t, "GET", path, nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &got)
			require.Len(t, got.Tickets, 3, path)
			require.Equal(t, []int64{env.AdminID, agentID, eveID}, sideIDs(got.Users), path)
			require.Equal(t, []int64{g.ID}, sideIDs(got.Groups), path)
			require.Equal(t, []int64{org.ID}, sideIDs(got.Organizations), path)
			for _, tk := range got.Tickets {
				want := int64(1)
				if tk.ID == ids[1] {
					want = 2
				}
				require.NotNil(t, tk.CommentCount, path)
				require.Equal(t, want, *tk.CommentCount, path)
			}
		}
		var one sideLoaded
		env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json?include=comment_count,users", ids[1]), nil).Decode(t, &one)
		require.Equal(t, int64(2), *one.Ticket.CommentCount)
		require.Equal(t, []int64{env.AdminID, agentID, eveID}, sideIDs(one.Users))
		require.Nil(t, one.Groups, "only what was asked for")

		var plain sideLoaded
		env.Do(t, "GET", "/api/v2/tickets.json", nil).Decode(t, &plain)
		require.Nil(t, plain.Users)
		require.Nil(t, plain.Tickets[0].CommentCount)
		var mine sideLoaded
		res := env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json?include=users,comment_count", ids[1]), nil, apitest.As("eve@example.com", eveToken))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		res.Decode(t, &mine)
		require.Nil(t, mine.Users, "an end user is not shown the agents behind their ticket")
		require.Nil(t, mine.Ticket.CommentCount)
	})
}

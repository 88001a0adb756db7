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

// TestClientViews reads the default views and a new one through go-zendesk's
// view calls, and checks each view lists and counts exactly its tickets.
func TestClientViews(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		views, _, err := c.GetViews(ctx)
		require.NoError(t, err)
		var titles []string
		for _, v := range views {
			titles = append(titles, v.Title)
		}
		require.Equal(t, []string{"Your unsolved tickets", "Unassigned tickets", "All unsolved tickets",
			"Recently updated tickets", "Pending tickets"}, titles, "a new instance has Zendesk's default views")

		it, err := c.CreateGroup(ctx, zendesk.Group{Name: "IT"})
		require.NoError(t, err)
		_, err = c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": env.AdminID, "group_id": it.ID}})
		require.NoError(t, err)
		mk := func(subject, priority string, assign bool, tags ...string) zendesk.Ticket {
			tk := zendesk.Ticket{Subject: subject, Priority: priority, Tags: tags, GroupID: groupID(it.ID),
				Comment: &zendesk.TicketComment{Body: "x"}, Requester: &zendesk.Requester{Email: "r@example.com"}}
			if assign {
				tk.AssigneeID = env.AdminID
			}
			created, err := c.CreateTicket(ctx, tk)
			require.NoError(t, err)
			return created
		}
		urgent := mk("VPN down", "urgent", true, "vpn")
		mk("Printer", "low", true)
		mk("Mouse", "high", false, "vpn")
		pending := mk("Waiting", "normal", true)
		_, err = c.UpdateTicket(ctx, pending.ID, zendesk.Ticket{Status: "pending"})
		require.NoError(t, err)

		res := env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{
			"title": "Hot VPN", "conditions": map[string]any{
				"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"},
					{"field": "group_id", "operator": "is", "value": it.ID}},
				"any": []map[string]any{{"field": "priority", "operator": "greater_than", "value": "normal"},
					{"field": "current_tags", "operator": "includes", "value": "vpn"}}},
			"execution": map[string]any{"columns": []string{"subject", "priority"}, "sort_by": "priority", "sort_order": "desc"}}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var made struct {
			View zendesk.View `json:"view"`
		}
		res.Decode(t, &made)
		got, err := c.GetView(ctx, made.View.ID)
		require.NoError(t, err)
		require.Equal(t, "Hot VPN", got.Title)
		all, _, err := c.GetViews(ctx)
		require.NoError(t, err)
		require.Equal(t, "Hot VPN", all[len(all)-1].Title, "a new view goes after the others")

		tickets, _, err := c.GetTicketsFromView(ctx, got.ID, nil)
		require.NoError(t, err)
		require.Len(t, tickets, 2, "urgent and high; low and normal match neither any condition")
		require.Equal(t, urgent.ID, tickets[0].ID, "sorted by priority, highest first")

		counts, err := c.GetCountTicketsInViews(ctx, []string{"1", "2", "3", "5", strconv.FormatInt(got.ID, 10)})
		require.NoError(t, err)
		byView := map[int64]int64{}
		for _, vc := range counts {
			byView[vc.ViewID] = vc.Value
		}
		require.Equal(t, map[int64]int64{1: 3, 2: 1, 3: 4, 5: 1, got.ID: 2}, byView)

		var exec struct {
			Rows []struct {
				TicketID int64 `json:"ticket_id"`
			} `json:"rows"`
			Columns []struct {
				ID string `json:"id"`
			} `json:"columns"`
			Count int64 `json:"count"`
		}
		getJSON(t, env, "/api/v2/views/"+strconv.FormatInt(got.ID, 10)+"/execute.json", &exec)
		require.Equal(t, int64(2), exec.Count)
		require.Equal(t, urgent.ID, exec.Rows[0].TicketID)
		require.Equal(t, "subject", exec.Columns[0].ID)
		var one struct {
			ViewCount struct {
				Value int64 `json:"value"`
			} `json:"view_count"`
		}
		getJSON(t, env, "/api/v2/views/5/count.json", &one)
		require.Equal(t, int64(1), one.ViewCount.Value)

		// An agent's own view is theirs: the admin does not see it.
		agentID, token := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		res = env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Mine",
			"all": []map[string]any{{"field": "assignee_id", "operator": "is", "value": "current_user"}}}},
			apitest.As("ada@example.com", token))
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var personal struct {
			View struct {
				ID          int64 `json:"id"`
				Restriction struct {
					Type string `json:"type"`
					ID   int64  `json:"id"`
				} `json:"restriction"`
			} `json:"view"`
		}
		res.Decode(t, &personal)
		require.Equal(t, "User", personal.View.Restriction.Type)
		require.Equal(t, agentID, personal.View.Restriction.ID)
		_, err = c.GetView(ctx, personal.View.ID)
		requireStatus(t, err, http.StatusNotFound)
	})
}

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestClientUserOrgTags drives user and organization tags with go-zendesk
// (GetUserTags, AddUserTags, GetOrganizationTags, AddOrganizationTags) and plain
// HTTP for set and remove: the tags show on the user and organization JSON, are
// counted in /api/v2/tags and autocompleted, and refusals change nothing.
func TestClientUserOrgTags(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		_, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		eveID, eveToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
		agent := env.Client("ada@example.com", agentToken)
		acme, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
		require.NoError(t, err)
		_, err = c.CreateTicket(ctx, zendesk.Ticket{Subject: "VPN", Tags: []string{"vip", "vpn"},
			Comment: &zendesk.TicketComment{Body: "down"}})
		require.NoError(t, err)

		// An agent tags an end user: added tags are normalized, kept once.
		tags, err := agent.AddUserTags(ctx, eveID, []zendesk.Tag{"VIP", "Beta tester", "vip"})
		require.NoError(t, err)
		require.Equal(t, []zendesk.Tag{"vip", "beta", "tester"}, tags)
		got, err := agent.GetUserTags(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, tags, got)
		eve, err := c.GetUser(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, []string{"vip", "beta", "tester"}, eve.Tags, "the user JSON carries the tags")

		// An admin tags the organization; set (POST, 201) and remove (DELETE).
		otags, err := c.AddOrganizationTags(ctx, acme.ID, []zendesk.Tag{"enterprise", "vip"})
		require.NoError(t, err)
		require.Equal(t, []zendesk.Tag{"enterprise", "vip"}, otags)
		res := env.Do(t, "POST", fmt.Sprintf("/api/v2/organizations/%d/tags.json", acme.ID), map[string]any{"tags": []string{"gold", "vip"}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		require.JSONEq(t, `{"tags": ["gold", "vip"]}`, string(res.Body))
		res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/users/%d/tags.json", eveID), map[string]any{"tags": []string{"tester"}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.JSONEq(t, `{"tags": ["vip", "beta"]}`, string(res.Body))
		org, err := c.GetOrganization(ctx, acme.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"gold", "vip"}, org.Tags)

		// /api/v2/tags counts tickets, users and organizations together.
		var list struct {
			Tags []struct {
				Name  string `json:"name"`
				Count int64  `json:"count"`
			} `json:"tags"`
			Count int64 `json:"count"`
		}
		env.Do(t, "GET", "/api/v2/tags.json", nil).Decode(t, &list)
		counts := map[string]int64{}
		for _, tg := range list.Tags {
			counts[tg.Name] = tg.Count
		}
		require.Equal(t, map[string]int64{"vip": 3, "vpn": 1, "beta": 1, "gold": 1}, counts)
		require.Equal(t, "vip", list.Tags[0].Name, "most used first")
		require.EqualValues(t, 4, list.Count)
		var cursor struct {
			Tags []struct{ Name string } `json:"tags"`
			Meta struct {
				HasMore     bool   `json:"has_more"`
				AfterCursor string `json:"after_cursor"`
			} `json:"meta"`
		}
		env.Do(t, "GET", "/api/v2/tags.json?page[size]=2", nil).Decode(t, &cursor)
		require.True(t, cursor.Meta.HasMore)
		names := []string{cursor.Tags[0].Name, cursor.Tags[1].Name}
		env.Do(t, "GET", "/api/v2/tags.json?page[size]=2&page[after]="+cursor.Meta.AfterCursor, nil).Decode(t, &cursor)
		require.False(t, cursor.Meta.HasMore)
		names = append(names, cursor.Tags[0].Name, cursor.Tags[1].Name)
		require.Equal(t, []string{"vip", "beta", "gold", "vpn"}, names, "by count, then name, across cursor pages")
		var auto struct{ Tags []string }
		env.Do(t, "GET", "/api/v2/autocomplete/tags.json?name=go", nil).Decode(t, &auto)
		require.Equal(t, []string{"gold"}, auto.Tags, "an organization's tag is autocompleted")

		// Refusals change nothing.
		_, err = agent.AddUserTags(ctx, env.AdminID, []zendesk.Tag{"x"})
		requireStatus(t, err, http.StatusForbidden) // an agent can't change an admin
		_, err = agent.AddOrganizationTags(ctx, acme.ID, []zendesk.Tag{"x"})
		requireStatus(t, err, http.StatusForbidden) // organizations are the admins'
		eveC := env.Client("eve@example.com", eveToken)
		_, err = eveC.GetUserTags(ctx, eveID)
		requireStatus(t, err, http.StatusForbidden) // end users, themselves too
		_, err = eveC.AddUserTags(ctx, eveID, []zendesk.Tag{"x"})
		requireStatus(t, err, http.StatusForbidden)
		_, err = c.GetUserTags(ctx, 999999)
		requireStatus(t, err, http.StatusNotFound)
		_, err = c.AddOrganizationTags(ctx, 999999, []zendesk.Tag{"x"})
		requireStatus(t, err, http.StatusNotFound)
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d/tags.json", eveID), map[string]any{"tag": []string{"x"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"tags"`)
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/organizations/%d/tags.json", acme.ID), map[string]any{"tags": []string{strings.Repeat("a", 256)}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), "TooLong")
		got, err = c.GetUserTags(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, []zendesk.Tag{"vip", "beta"}, got)
		org, err = c.GetOrganization(ctx, acme.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"gold", "vip"}, org.Tags)

		// Deleting the organization takes its tags out of the counts.
		require.NoError(t, c.DeleteOrganization(ctx, acme.ID))
		env.Do(t, "GET", "/api/v2/tags.json", nil).Decode(t, &list)
		counts = map[string]int64{}
		for _, tg := range list.Tags {
			counts[tg.Name] = tg.Count
		}
		require.Equal(t, map[string]int64{"vip": 2, "vpn": 1, "beta": 1}, counts)
	})
}

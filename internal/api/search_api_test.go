package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

func searchIDs(t *testing.T, c *zendesk.Client, query string) []int64 {
	t.Helper()
	res, _, err := c.Search(t.Context(), &zendesk.SearchOptions{Query: query})
	require.NoError(t, err, query)
	var ids []int64
	for _, r := range res.List() {
		tk, ok := r.(zendesk.Ticket)
		require.True(t, ok, "result %T is not a ticket", r)
		ids = append(ids, tk.ID)
	}
	return ids
}

func TestSearchThroughClient(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			printer := newTicket(t, c, "Printer on fire", "The printer in room 4 is burning", "hardware")
			vpn := newTicket(t, c, "VPN down", "cannot connect", "network")
			_, err := c.UpdateTicket(ctx, vpn, zendesk.Ticket{Status: "open", Comment: &zendesk.TicketComment{Body: "Still broken after the printer reboot"}})
			require.NoError(t, err)

			require.Equal(t, []int64{printer}, searchIDs(t, c, "burning"))
			require.ElementsMatch(t, []int64{printer, vpn}, searchIDs(t, c, "type:ticket printer"))
			require.Equal(t, []int64{vpn}, searchIDs(t, c, "printer reboot"), "words match across comments")
			require.Equal(t, []int64{vpn}, searchIDs(t, c, "status:open"))
			require.Equal(t, []int64{printer}, searchIDs(t, c, "tags:hardware status<solved"))
			require.Equal(t, []int64{printer}, searchIDs(t, c, "printer -tags:network"))
			require.Equal(t, []int64{vpn}, searchIDs(t, c, fmt.Sprint(vpn)), "a ticket id finds the ticket")
			require.Equal(t, []int64{printer, vpn}, searchIDs(t, c, "type:ticket order_by:created sort:asc"))
			require.Equal(t, []int64{vpn, printer}, searchIDs(t, c, "type:ticket order_by:created sort:desc"))

			n, err := c.SearchCount(ctx, &zendesk.CountOptions{Query: "printer"})
			require.NoError(t, err)
			require.Equal(t, 2, n)

			// Users come back as users.
			res, _, err := c.Search(ctx, &zendesk.SearchOptions{Query: "type:user admin"})
			require.NoError(t, err)
			require.Len(t, res.List(), 1)
			u, ok := res.List()[0].(zendesk.User)
			require.True(t, ok)
			require.Equal(t, apitest.AdminEmail, u.Email)
		})
	}
}

func TestSearchErrorsAndPages(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c := env.AdminClient()
	for i := range 5 {
		newTicket(t, c, fmt.Sprintf("Disk %d full", i), "disk is full")
	}
	get := func(path string) *apitest.Response { return env.Do(t, "GET", path, nil) }

	for _, q := range []string{`subject:"unterminated`, "status<bogus", "created>yesterdayish", "type:group", "*"} {
		res := get("/api/v2/search.json?query=" + url.QueryEscape(q))
		require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", q, res.Body)
		var body struct{ Error, Description string }
		res.Decode(t, &body)
		require.Equal(t, "invalid", body.Error)
		require.Contains(t, body.Description, "position", q)
	}
	require.Equal(t, http.StatusBadRequest, get("/api/v2/search.json").Status)
	require.Equal(t, http.StatusBadRequest, get("/api/v2/search.json?query=").Status)
	require.Equal(t, http.StatusBadRequest, get("/api/v2/search.json?query=solved>2026-01-01").Status)
	require.Equal(t, http.StatusUnprocessableEntity, get("/api/v2/search.json?query=disk&page=11&per_page=100").Status)

	var page struct {
		Results      []map[string]any `json:"results"`
		Count        int              `json:"count"`
		NextPage     *string          `json:"next_page"`
		PreviousPage *string          `json:"previous_page"`
		Facets       any              `json:"facets"`
	}
	get("/api/v2/search.json?query=disk&per_page=2&page=2&sort_by=created_at&sort_order=asc").Decode(t, &page)
	require.Equal(t, 5, page.Count)
	require.Len(t, page.Results, 2)
	require.Equal(t, "ticket", page.Results[0]["result_type"])
	require.Equal(t, "Disk 2 full", page.Results[0]["subject"])
	require.NotNil(t, page.NextPage)
	require.NotNil(t, page.PreviousPage)
	require.Nil(t, page.Facets)

	// Export walks everything with a cursor.
	var seen []string
	next := "/api/v2/search/export.json?query=disk&filter[type]=ticket&page[size]=2"
	for next != "" {
		var ex struct {
			Results []map[string]any `json:"results"`
			Meta    struct {
				HasMore bool `json:"has_more"`
			} `json:"meta"`
			Links struct {
				Next *string `json:"next"`
			} `json:"links"`
		}
		get(next).Decode(t, &ex)
		for _, r := range ex.Results {
			seen = append(seen, r["subject"].(string))
		}
		next = ""
		if ex.Meta.HasMore {
			next = strings.TrimPrefix(*ex.Links.Next, env.URL)
		}
	}
	require.Equal(t, []string{"Disk 0 full", "Disk 1 full", "Disk 2 full", "Disk 3 full", "Disk 4 full"}, seen)
	require.Equal(t, http.StatusBadRequest, get("/api/v2/search/export.json?query=disk").Status, "filter[type] is required")

	// End users can't search.
	_, token := env.CreateEndUser(t, "Jo", "jo@example.com")
	require.Equal(t, http.StatusForbidden, env.Do(t, "GET", "/api/v2/search.json?query=disk", nil, apitest.As("jo@example.com", token)).Status)
}

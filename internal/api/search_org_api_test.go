package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestOrganizationSearchThroughClient: go-zendesk reads organizations out of
// search results by their result_type, organization: narrows tickets, and the
// export pages organizations.
func TestOrganizationSearchThroughClient(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			acme, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme Corp", DomainNames: []string{"acme.example"}})
			require.NoError(t, err)
			_, err = c.CreateOrganization(ctx, zendesk.Organization{Name: "Globex"})
			require.NoError(t, err)
			mine, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer jam", Comment: &zendesk.TicketComment{Body: "stuck"},
				OrganizationID: acme.ID})
			require.NoError(t, err)
			newTicket(t, c, "Printer jam elsewhere", "stuck")

			res, _, err := c.Search(ctx, &zendesk.SearchOptions{Query: "type:organization acme"})
			require.NoError(t, err)
			require.Len(t, res.List(), 1)
			o, ok := res.List()[0].(zendesk.Organization)
			require.True(t, ok, "result %T is not an organization", res.List()[0])
			require.Equal(t, acme.ID, o.ID)
			require.Equal(t, "Acme Corp", o.Name)

			require.Equal(t, []int64{mine.ID}, searchIDs(t, c, `printer organization:"acme corp"`))
			require.Equal(t, []int64{mine.ID}, searchIDs(t, c, fmt.Sprintf("type:ticket organization:%d", acme.ID)))
			n, err := c.SearchCount(ctx, &zendesk.CountOptions{Query: "type:organization -globex"})
			require.NoError(t, err)
			require.Equal(t, 1, n)

			var ex struct {
				Results []map[string]any `json:"results"`
			}
			r := env.Do(t, "GET", "/api/v2/search/export.json?query=type:organization&filter[type]=organization", nil)
			require.Equal(t, http.StatusOK, r.Status)
			r.Decode(t, &ex)
			require.Len(t, ex.Results, 2)
			require.Equal(t, "organization", ex.Results[0]["result_type"])
			require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/search.json?query=type:group", nil).Status)
		})
	}
}

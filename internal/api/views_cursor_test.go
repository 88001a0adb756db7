package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestViewTicketsByCursor walks a view by cursor with go-zendesk's iterator,
// two tickets a page: each of the view's tickets comes once, in the view's
// order (priority, highest first), the same as the offset page shows; a cursor
// this server didn't issue is a 400.
func TestViewTicketsByCursor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		for i, p := range []string{"low", "urgent", "normal", "high", "low"} {
			_, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: fmt.Sprintf("Ticket %d", i), Priority: p,
				Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
		}
		res := env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "By priority",
			"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"}}},
			"execution":  map[string]any{"sort_by": "priority", "sort_order": "desc"}}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var v struct {
			View struct{ ID int64 } `json:"view"`
		}
		res.Decode(t, &v)
		offset, _, err := c.GetTicketsFromViewOBP(ctx, &zendesk.OBPOptions{CommonOptions: zendesk.CommonOptions{Id: v.View.ID}})
		require.NoError(t, err)
		require.Len(t, offset, 5)
		require.Equal(t, "urgent", offset[0].Priority)

		it := c.GetTicketsFromViewIterator(ctx, &zendesk.PaginationOptions{CommonOptions: zendesk.CommonOptions{Id: v.View.ID}, PageSize: 2, IsCBP: true})
		var walked []int64
		pages := 0
		for it.HasMore() {
			page, err := it.GetNext()
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), 2)
			pages++
			for _, tk := range page {
				walked = append(walked, tk.ID)
			}
		}
		var want []int64
		for _, tk := range offset {
			want = append(want, tk.ID)
		}
		require.Equal(t, want, walked)
		require.Equal(t, 3, pages)

		res = env.Do(t, "GET", fmt.Sprintf("/api/v2/views/%d/tickets.json?page[size]=2&page[after]=nonsense", v.View.ID), nil)
		require.Equal(t, http.StatusBadRequest, res.Status, string(res.Body))
	})
}

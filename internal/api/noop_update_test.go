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

// TestNoOpTicketUpdate: an update that sets what the ticket already has answers
// 200 with the ticket, writes no audit and renders none (issue 21 point 7).
func TestNoOpTicketUpdate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", Priority: "high", Tags: []string{"a"},
			Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)
		audits := env.Counts(t)["audits"]

		res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID),
			map[string]any{"ticket": map[string]any{"subject": "Printer", "priority": "high", "tags": []string{"a"}}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var out map[string]any
		res.Decode(t, &out)
		require.Contains(t, out, "ticket")
		require.NotContains(t, out, "audit", "no audit was written, so none is shown")
		require.Equal(t, audits, env.Counts(t)["audits"])
		after, err := c.GetTicket(ctx, tk.ID)
		require.NoError(t, err)
		require.Equal(t, tk.UpdatedAt, after.UpdatedAt, "a no-op leaves updated_at")

		// A real change still answers with its audit.
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID),
			map[string]any{"ticket": map[string]any{"priority": "low"}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		out = nil
		res.Decode(t, &out)
		require.Contains(t, out, "audit")
		require.Equal(t, audits+1, env.Counts(t)["audits"])
	})
}

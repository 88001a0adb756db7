package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestConcurrentNewRequester creates tickets for one unknown requester from many
// clients at once. Every create must succeed with the same, single new user; on
// PostgreSQL the losing INSERT of the user used to abort its transaction (500).
func TestConcurrentNewRequester(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		const n = 12
		c := env.AdminClient()
		before := env.Counts(t)
		requesters := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, err := c.CreateTicket(context.Background(), zendesk.Ticket{
					Subject: fmt.Sprintf("ticket %d", i), Comment: &zendesk.TicketComment{Body: "b"},
					Requester: &zendesk.Requester{Name: "Rita", Email: "rita@example.com"}})
				requesters[i], errs[i] = tk.RequesterID, err
			}()
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i])
			require.Equal(t, requesters[0], requesters[i], "every ticket has the same requester")
		}
		after := env.Counts(t)
		require.Equal(t, before["users"]+1, after["users"], "one new user")
		require.Equal(t, before["tickets"]+n, after["tickets"])
	})
}

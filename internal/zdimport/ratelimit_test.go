package zdimport

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/seed"
)

// TestImportKeepsToRateLimits imports from a source that answers 429 with
// Retry-After once its budget (600 requests a minute) is spent, as Zendesk
// does: the importer waits as told, every worker with it, and the result is
// still exact.
func TestImportKeepsToRateLimits(t *testing.T) {
	t.Parallel()
	src := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.RatePerMinute = 600 }))
	_, err := seed.Run(context.Background(), src.Instance.DB, seed.Config{Tickets: 20, Requesters: 5, Agents: 2, Groups: 2, Seed: 3,
		Now: time.Now().Add(-time.Hour)}, nil)
	require.NoError(t, err)
	settle()
	// Spend the budget, so the import meets the limit from its first requests.
	limited := 0
	for i := 0; i < 3000 && limited == 0; i++ { // until the first 429, however slow the machine
		if res := src.Do(t, "GET", "/api/v2/users/me.json", nil); res.Status == http.StatusTooManyRequests {
			limited++
			require.NotEmpty(t, res.Header.Get("Retry-After"))
		}
	}
	require.Positive(t, limited, "the source enforces its limit")

	dst := apitest.New(t, apitest.SQLite)
	rep, err := runImport(context.Background(), t, src, dst, nil)
	require.NoError(t, err)
	require.Equal(t, 20, rep.Get(kindTicket).Created)
	require.Zero(t, rep.Get(kindTicket).Failed)
	require.Positive(t, rep.Throttled, "the importer waited for the limit")
	requireSame(t, src, dst)
}

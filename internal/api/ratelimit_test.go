package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestRateLimitHeaders checks Zendesk's rate-limit headers over HTTP: every
// answer announces the per-minute budget and what is left of it, the request
// past it is a 429 with Retry-After, and one user's spending leaves another's
// budget whole.
func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.RatePerMinute = 5 }))
	_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
	for i := range 5 {
		res := env.Do(t, "GET", "/api/v2/users/me.json", nil)
		require.Equal(t, http.StatusOK, res.Status)
		for _, h := range []string{"X-Rate-Limit", "Ratelimit-Limit"} {
			require.Equal(t, "5", res.Header.Get(h), h)
		}
		for _, h := range []string{"X-Rate-Limit-Remaining", "Ratelimit-Remaining"} {
			require.Equal(t, strconv.Itoa(4-i), res.Header.Get(h), h)
		}
		reset, err := strconv.Atoi(res.Header.Get("Ratelimit-Reset"))
		require.NoError(t, err)
		require.True(t, reset >= 12*(i+1)-1 && reset <= 60, "seconds until the budget is whole again: %d", reset)
	}
	res := env.Do(t, "GET", "/api/v2/users/me.json", nil)
	require.Equal(t, http.StatusTooManyRequests, res.Status)
	require.Equal(t, "0", res.Header.Get("X-Rate-Limit-Remaining"))
	require.NotEmpty(t, res.Header.Get("Retry-After"))
	require.JSONEq(t, `{"error": "TooManyRequests", "description": "Rate limit exceeded; retry after the number of seconds in Retry-After"}`, string(res.Body))

	res = env.Do(t, "GET", "/api/v2/users/me.json", nil, apitest.As("ada@example.com", agentToken))
	require.Equal(t, http.StatusOK, res.Status)
	require.Equal(t, "4", res.Header.Get("X-Rate-Limit-Remaining"), "budgets are per user")
}

package api_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestLinksUseBaseURL checks that pagination links are built on the configured
// public URL, not on the address the request reached: behind a TLS-terminating
// proxy the two differ, and a client following next_page must reach the proxy.
func TestLinksUseBaseURL(t *testing.T) {
	t.Parallel()
	const public = "https://help.example.com/desk"
	env := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.BaseURL = public }))
	for range 3 {
		res := env.Do(t, "POST", "/api/v2/tickets.json", `{"ticket": {"subject": "s", "comment": {"body": "b"}}}`)
		require.Equal(t, 201, res.Status, string(res.Body))
	}
	var offset struct {
		NextPage string `json:"next_page"`
	}
	env.Do(t, "GET", "/api/v2/tickets.json?per_page=1", nil).Decode(t, &offset)
	require.Equal(t, public+"/api/v2/tickets.json?page=2&per_page=1", offset.NextPage)

	var cursor struct {
		Links struct{ Next string } `json:"links"`
	}
	env.Do(t, "GET", "/api/v2/tickets?page[size]=1", nil).Decode(t, &cursor)
	require.Regexp(t, `^`+public+`/api/v2/tickets\.json\?page%5Bafter%5D=\w+&page%5Bsize%5D=1$`, cursor.Links.Next)
}

// TestOffsetPagesStopAtTenThousandRecords checks the last offset page Zendesk
// serves is still answered, and the next is a 400 that points to cursors.
func TestOffsetPagesStopAtTenThousandRecords(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	for path, status := range map[string]int{
		"/api/v2/tickets.json?page=100&per_page=100":     200,
		"/api/v2/tickets.json?page=101&per_page=100":     400,
		"/api/v2/tickets.json?page=10000&per_page=1":     200,
		"/api/v2/tickets.json?page=10001&per_page=1":     400,
		"/api/v2/tickets.json?page=1000000&page[size]=5": 200, // cursor pagination ignores page
	} {
		res := env.Do(t, "GET", path, nil)
		require.Equal(t, status, res.Status, "%s: %s", path, res.Body)
		if status == 400 {
			require.Contains(t, string(res.Body), "cursor pagination", path)
		}
	}
}

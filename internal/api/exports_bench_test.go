package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestIncrementalCursorWalk walks the cursor export of a seeded SQLite
// database from start_time=0 to the end of the stream, as Fivetran's first
// sync does, and checks each ticket comes once, in (generated_timestamp, id)
// order. It measures tickets per second and the peak growth of the heap in use
// (server and client share the process). Set TWINDESK_EXPORT_WALK_DATA to the
// data directory of `twindesk seed --tickets N --data DIR`; without it the test
// is skipped.
func TestIncrementalCursorWalk(t *testing.T) {
	dir := os.Getenv("TWINDESK_EXPORT_WALK_DATA")
	if dir == "" {
		t.Skip("set TWINDESK_EXPORT_WALK_DATA to a seeded data directory")
	}
	env := seededEnv(t, dir)
	var total int64
	require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM tickets`).Scan(&total))

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()

	seen := make([]bool, 0, total+1)
	var n, lastGen int64 = 0, -1
	start := time.Now()
	next := env.URL + "/api/v2/incremental/tickets/cursor.json?start_time=0"
	for {
		req, err := http.NewRequestWithContext(t.Context(), "GET", next, nil)
		require.NoError(t, err)
		apitest.As(apitest.AdminEmail, env.AdminToken)(req)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var page struct {
			Tickets []struct {
				ID  int64 `json:"id"`
				Gen int64 `json:"generated_timestamp"`
			} `json:"tickets"`
			AfterURL    string `json:"after_url"`
			EndOfStream bool   `json:"end_of_stream"`
		}
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
		resp.Body.Close()
		for _, tk := range page.Tickets {
			for int64(len(seen)) <= tk.ID {
				seen = append(seen, false)
			}
			require.False(t, seen[tk.ID], "ticket %d twice", tk.ID)
			seen[tk.ID] = true
			require.GreaterOrEqual(t, tk.Gen, lastGen, "ticket %d out of order", tk.ID)
			lastGen = tk.Gen
			n++
		}
		if page.EndOfStream {
			break
		}
		next = page.AfterURL
	}
	elapsed := time.Since(start)
	close(stop)
	require.Equal(t, total, n, "every ticket once")
	growth := int64(peak.Load()) - int64(base)
	t.Logf("walked %d tickets in %s: %.0f tickets/s; peak heap-in-use growth %.1f MB", n, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), float64(growth)/(1<<20))
}

// seededEnv opens an instance on the seeded SQLite directory dir.
func seededEnv(t *testing.T, dir string) *apitest.Env {
	env := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.Store.DataDir = dir }))
	// The next run on this directory creates its admin again.
	t.Cleanup(func() {
		_, err := env.Instance.DB.WriteDB().ExecContext(context.Background(), `UPDATE users SET email = $1 WHERE id = $2`,
			fmt.Sprintf("walk-admin-%d@bench.example", env.AdminID), env.AdminID)
		require.NoError(t, err)
	})
	return env
}

// TestTicketMetricsPageCost times pages of 100 ticket metrics, each computed
// from its ticket's audits, on the seeded directory of
// TWINDESK_EXPORT_WALK_DATA (skipped without it).
func TestTicketMetricsPageCost(t *testing.T) {
	dir := os.Getenv("TWINDESK_EXPORT_WALK_DATA")
	if dir == "" {
		t.Skip("set TWINDESK_EXPORT_WALK_DATA to a seeded data directory")
	}
	env := seededEnv(t, dir)
	const pages = 50
	path := "/api/v2/ticket_metrics.json?page[size]=100"
	start := time.Now()
	for range pages {
		res := env.Do(t, "GET", path, nil)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var page struct {
			TicketMetrics []map[string]any `json:"ticket_metrics"`
			Links         struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		res.Decode(t, &page)
		require.Len(t, page.TicketMetrics, 100)
		u, err := url.Parse(page.Links.Next)
		require.NoError(t, err)
		path = u.RequestURI()
	}
	per := time.Since(start) / pages
	t.Logf("%d pages of 100 ticket metrics: %s a page, %.0f metrics/s", pages, per.Round(time.Microsecond), 100/per.Seconds())
}

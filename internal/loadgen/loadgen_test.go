package loadgen_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/loadgen"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
)

// twoNodes starts a second HTTP server on the same instance, as a second node
// on a shared database would be, and counts the requests each node serves.
func twoNodes(t *testing.T, env *apitest.Env) (urls []string, hits *[2]atomic.Int64) {
	hits = new([2]atomic.Int64)
	count := func(i int, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits[i].Add(1); h.ServeHTTP(w, r) })
	}
	n1 := httptest.NewServer(count(0, env.Instance.Handler()))
	n2 := httptest.NewServer(count(1, env.Instance.Handler()))
	t.Cleanup(n1.Close)
	t.Cleanup(n2.Close)
	return []string{n1.URL, n2.URL}, hits
}

func TestCreate(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			urls, hits := twoNodes(t, env)
			c, err := loadgen.NewClient(urls, apitest.AdminEmail, env.AdminToken, 4)
			require.NoError(t, err)
			var log bytes.Buffer
			res, err := loadgen.RunCreate(t.Context(), c, loadgen.CreateConfig{Concurrency: 4, Duration: time.Second, Triggers: 8}, &log)
			require.NoError(t, err)
			res.Print(&log)
			t.Log(log.String())
			create, ok := res.Op("create")
			require.True(t, ok)
			require.Positive(t, create.Count)
			require.Zero(t, create.Failed, "answers: %v", create.Codes)
			require.Equal(t, create.Count, create.Codes[201])
			require.Positive(t, create.P50)
			require.LessOrEqual(t, create.P50, create.P99)
			require.Positive(t, hits[0].Load(), "node 1 served requests")
			require.Positive(t, hits[1].Load(), "node 2 served requests")

			n, err := env.Instance.DB.Read().CountTickets(t.Context(), store.TicketFilter{})
			require.NoError(t, err)
			require.GreaterOrEqual(t, n, int64(create.Count))
			requireUrgentTagged(t, env)
			triggers, err := env.Instance.DB.Read().ListTriggers(t.Context(), false)
			require.NoError(t, err)
			require.Empty(t, triggers, "the bench triggers are removed after the run")
		})
	}
}

// requireUrgentTagged checks that bench trigger 0 fired on the urgent creates
// and that none of the others did.
func requireUrgentTagged(t *testing.T, env *apitest.Env) {
	t.Helper()
	tickets, err := env.Instance.DB.Read().ListTickets(t.Context(), store.TicketFilter{}, store.Page{Limit: 10_000})
	require.NoError(t, err)
	urgent := 0
	for _, tk := range tickets {
		require.Equal(t, tk.Priority == "urgent", tk.HasTag("bench_urgent"), "ticket %d %s %v", tk.ID, tk.Priority, tk.Tags)
		require.False(t, tk.HasTag("vip_routed") || tk.HasTag("outage") || tk.HasTag("legal"), "other bench triggers don't match")
		if tk.Priority == "urgent" {
			urgent++
		}
	}
	require.Positive(t, urgent)
}

func TestMix(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 300, Agents: 5}, nil)
			require.NoError(t, err)
			c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, env.AdminToken, 16)
			require.NoError(t, err)
			cfg := loadgen.MixConfig{Rate: 150, Duration: 1500 * time.Millisecond, Warmup: 200 * time.Millisecond,
				Read: 60, Update: 20, Search: 20, Prepare: 10}
			tg, err := loadgen.PrepareMix(t.Context(), c, cfg)
			require.NoError(t, err)
			require.Len(t, tg.UpdateIDs, 10)
			require.Greater(t, len(tg.ReadIDs), 100, "reads sample the seeded tickets")
			res, err := loadgen.RunMix(t.Context(), c, cfg, tg)
			require.NoError(t, err)
			var out bytes.Buffer
			res.Print(&out)
			t.Log(out.String())
			for _, op := range []string{"read", "update", "search"} {
				o, ok := res.Op(op)
				require.True(t, ok, op)
				require.Positive(t, o.Count, op)
				require.Zero(t, o.Failed, "%s answers: %v", op, o.Codes)
			}
			total := res.Total()
			require.InDelta(t, 225, total.Count, 40, "open loop: rate x duration requests, whatever the latency")
		})
	}
}

func TestMixSearchesFindSeededTickets(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 400, Agents: 5}, nil)
	require.NoError(t, err)
	found := 0
	for _, q := range []string{"printer", "vpn", "status:pending", "password -printer", "tags:vip"} {
		parsed, err := search.Parse(q)
		require.NoError(t, err)
		n, err := env.Instance.DB.Searcher().CountTickets(t.Context(), index.Params{Query: parsed, Now: time.Now(), Limit: 1})
		require.NoError(t, err)
		if n > 0 {
			found++
		}
	}
	require.Equal(t, 5, found, "the mix's searches match seeded data")
}

func TestSweepChart(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 100, Agents: 3}, nil)
	require.NoError(t, err)
	c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, env.AdminToken, 8)
	require.NoError(t, err)
	cfg := loadgen.MixConfig{Duration: 400 * time.Millisecond, Read: 1, Update: 1, Search: 1, Prepare: 5}
	var out bytes.Buffer
	points, err := loadgen.RunSweep(t.Context(), c, cfg, []float64{40, 80}, 10*time.Millisecond, &out)
	require.NoError(t, err)
	require.Len(t, points, 2)
	loadgen.PrintSweep(&out, points)
	require.Contains(t, out.String(), "| 80 |")
	var svg bytes.Buffer
	require.NoError(t, loadgen.WriteSVG(&svg, "test <chart>", loadgen.PercentileSeries("SQLite ", points, false), 20*time.Millisecond))
	s := svg.String()
	require.True(t, strings.HasPrefix(s, "<svg"), s[:40])
	require.Equal(t, 3, strings.Count(s, "<polyline"))
	require.Contains(t, s, "test &lt;chart&gt;")
	require.Contains(t, s, "SQLite p99")
}

func TestNewClientNeedsCredentials(t *testing.T) {
	t.Parallel()
	_, err := loadgen.NewClient([]string{"http://127.0.0.1:1"}, "", "", 1)
	require.ErrorContains(t, err, "token")
	_, err = loadgen.NewClient([]string{" ", ""}, "a@example.com", "t", 1)
	require.ErrorContains(t, err, "no URL")
}

func TestFailuresAreCounted(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, "wrong-token", 2)
	require.NoError(t, err)
	res, err := loadgen.RunCreate(context.Background(), c, loadgen.CreateConfig{Concurrency: 2, Duration: 200 * time.Millisecond}, &bytes.Buffer{})
	require.NoError(t, err)
	o := res.Total()
	require.Positive(t, o.Count)
	require.Equal(t, o.Count, o.Failed)
	require.Equal(t, o.Count, o.Codes[401])
}

func TestMixByQuery(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 100, Agents: 3}, nil)
	require.NoError(t, err)
	c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, env.AdminToken, 8)
	require.NoError(t, err)
	cfg := loadgen.MixConfig{Rate: 80, Duration: 500 * time.Millisecond, Search: 1, Prepare: 1, ByQuery: true}
	tg, err := loadgen.PrepareMix(t.Context(), c, cfg)
	require.NoError(t, err)
	res, err := loadgen.RunMix(t.Context(), c, cfg, tg)
	require.NoError(t, err)
	require.Greater(t, len(res.Ops), 3, "one line per query, then all")
	for _, o := range res.Ops[:len(res.Ops)-1] {
		require.True(t, strings.HasPrefix(o.Op, "search: "), o.Op)
		require.Zero(t, o.Failed, "%s: %v", o.Op, o.Codes)
	}
}

// TestMixOwnQueries sends the queries it is given instead of the built-in
// ones, each reported on its own line.
func TestMixOwnQueries(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 50, Agents: 3}, nil)
	require.NoError(t, err)
	c, err := loadgen.NewClient([]string{env.URL}, apitest.AdminEmail, env.AdminToken, 8)
	require.NoError(t, err)
	queries := []string{"prin*", `"keeps crashing" status<solved`}
	cfg := loadgen.MixConfig{Rate: 80, Duration: 500 * time.Millisecond, Search: 1, Prepare: 1, ByQuery: true, Queries: queries}
	tg, err := loadgen.PrepareMix(t.Context(), c, cfg)
	require.NoError(t, err)
	res, err := loadgen.RunMix(t.Context(), c, cfg, tg)
	require.NoError(t, err)
	var ops []string
	for _, o := range res.Ops[:len(res.Ops)-1] {
		require.Zero(t, o.Failed, "%s: %v", o.Op, o.Codes)
		ops = append(ops, o.Op)
	}
	require.ElementsMatch(t, []string{"search: " + queries[0], "search: " + queries[1]}, ops)
}

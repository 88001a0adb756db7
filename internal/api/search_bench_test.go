package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestSearchLatency measures GET /api/v2/search.json over loopback HTTP against
// TWINDESK_SEARCH_BENCH_N generated tickets (default 100,000), each with a subject
// and two comments, on both backends, and logs p50/p99 per query shape. It takes
// minutes, so it runs only with TWINDESK_SEARCH_BENCH=1:
//
//	TWINDESK_SEARCH_BENCH=1 go test ./internal/api -run TestSearchLatency -v -timeout 60m
func TestSearchLatency(t *testing.T) {
	n := searchBenchN(t)
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			env := apitest.New(t, b)
			start := time.Now()
			ids := benchTickets(t, env, n)
			t.Logf("%s: generated %d tickets in %s", b, n, time.Since(start).Round(time.Second))
			if b == apitest.Postgres {
				// What autovacuum does soon after a load like this one; without table
				// statistics the planner sorts every match instead of walking an index.
				_, err := env.Instance.DB.WriteDB().ExecContext(t.Context(), `ANALYZE`)
				require.NoError(t, err)
			}
			rows := []string{"| query | results (count) | p50 ms | p99 ms |", "|---|---|---|---|"}
			var all []time.Duration
			for _, q := range benchQueries(ids) {
				lat, count := measure(t, env, q, 60)
				all = append(all, lat...)
				rows = append(rows, fmt.Sprintf("| `%s` | %d | %.1f | %.1f |", q, count, ms(pct(lat, 50)), ms(pct(lat, 99))))
			}
			rows = append(rows, fmt.Sprintf("| **all** | | **%.1f** | **%.1f** |", ms(pct(all, 50)), ms(pct(all, 99))))
			t.Logf("%s, %d tickets:\n%s", b, n, strings.Join(rows, "\n"))
		})
	}
}

// benchWords is the vocabulary: a few common helpdesk words, then generated
// words drawn with a skewed distribution, so some words are frequent and most rare.
var benchWords = func() []string {
	w := strings.Fields("printer vpn password email laptop screen network outlook account salary invoice " +
		"broken slow error update install access reset login license monitor keyboard server backup")
	r := rand.New(rand.NewPCG(1, 2))
	for len(w) < 5000 {
		b := make([]byte, 4+r.IntN(6))
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		w = append(w, string(b))
	}
	return w
}()

func benchWord(r *rand.Rand) string {
	// Squaring a uniform draw skews towards the front of the list.
	f := r.Float64()
	return benchWords[int(f*f*float64(len(benchWords)))]
}

func benchText(r *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = benchWord(r)
	}
	return strings.Join(parts, " ")
}

// benchTickets writes n tickets straight through the store in large transactions,
// indexing each as the write path does, and returns their ids.
func benchTickets(t *testing.T, env *apitest.Env, n int) []int64 {
	ctx := context.Background()
	var agents []int64
	for i := range 10 {
		id, _ := env.CreateAgent(t, fmt.Sprintf("Agent %d", i), fmt.Sprintf("agent%d@example.com", i))
		agents = append(agents, id)
	}
	statuses := []model.Status{model.StatusNew, model.StatusOpen, model.StatusPending, model.StatusHold, model.StatusSolved, model.StatusClosed}
	r := rand.New(rand.NewPCG(3, 4))
	base := time.Now().Add(-365 * 24 * time.Hour)
	ids := make([]int64, 0, n)
	const batch = 5000
	for done := 0; done < n; done += batch {
		err := env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
			for i := done; i < min(n, done+batch); i++ {
				at := base.Add(time.Duration(i) * 365 * 24 * time.Hour / time.Duration(n)).UTC().Truncate(time.Microsecond)
				tk := model.Ticket{Subject: benchText(r, 4+r.IntN(4)), Description: benchText(r, 30), Status: statuses[r.IntN(6)],
					RequesterID: env.AdminID, SubmitterID: env.AdminID, AssigneeID: agents[r.IntN(len(agents))],
					Tags: []string{fmt.Sprintf("tag%d", r.IntN(50))}, Via: "api", CreatedAt: at, UpdatedAt: at}
				id, err := tx.CreateTicket(ctx, &tk)
				if err != nil {
					return err
				}
				if err := tx.IndexSubject(ctx, id, tk.Subject); err != nil {
					return err
				}
				for _, body := range []string{tk.Description, benchText(r, 20+r.IntN(20))} {
					if _, err := tx.AddComment(ctx, &model.Comment{TicketID: id, AuthorID: env.AdminID, Body: body, Public: true, Via: "api", CreatedAt: at}); err != nil {
						return err
					}
					if err := tx.IndexComment(ctx, id, body); err != nil {
						return err
					}
				}
				ids = append(ids, id)
			}
			return nil
		})
		require.NoError(t, err)
	}
	return ids
}

// benchQueries are the query shapes measured, from one-word text to keyword-only
// filters that match a large share of the tickets.
func benchQueries(ids []int64) []string {
	return []string{
		"printer",        // a frequent word
		benchWords[3000], // a rare word
		"printer vpn",    // two words, anywhere in the ticket
		`"` + benchWords[1] + " " + benchWords[2] + `"`, // a phrase
		"prin*",                   // a prefix
		"status:open printer",     // keyword and text
		"tags:tag7 status<solved", // keywords only
		"assignee:agent3@example.com -status:closed",           // a person and a negation
		fmt.Sprint(ids[len(ids)/2]),                            // a ticket id
		"type:ticket status:pending order_by:created sort:asc", // a large sorted set
	}
}

// searchBenchN skips the test unless TWINDESK_SEARCH_BENCH is set and returns
// the number of tickets to generate: TWINDESK_SEARCH_BENCH_N, 100,000 by default.
func searchBenchN(t *testing.T) int {
	t.Helper()
	if os.Getenv("TWINDESK_SEARCH_BENCH") == "" {
		t.Skip("set TWINDESK_SEARCH_BENCH=1 to run the search benchmarks (minutes; results go to docs/benchmarks.md)")
	}
	n := 100_000
	if v := os.Getenv("TWINDESK_SEARCH_BENCH_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	return n
}

// measure runs query rounds times (as the admin unless opts say otherwise) and
// returns the latencies and the match count.
func measure(t *testing.T, env *apitest.Env, query string, rounds int, opts ...apitest.RequestOption) ([]time.Duration, int) {
	path := "/api/v2/search.json?query=" + url.QueryEscape(query)
	var count int
	lat := make([]time.Duration, 0, rounds)
	for range rounds {
		start := time.Now()
		res := env.Do(t, "GET", path, nil, opts...)
		lat = append(lat, time.Since(start))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var body struct{ Count int }
		res.Decode(t, &body)
		count = body.Count
	}
	return lat, count
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

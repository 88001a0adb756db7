package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestPrivateGroupSearchLatency measures what hiding a private group costs a
// search: the query shapes of TestSearchLatency over TWINDESK_SEARCH_BENCH_N
// tickets (default 100,000), a tenth of them in a private group, searched by the
// admin (who sees all) and by an agent outside the group (whose searches carry
// the negated group condition). Also GET /tickets/{id}, which asks the agent's
// hidden groups once more. It takes minutes, so it runs only with
// TWINDESK_SEARCH_BENCH=1:
//
//	TWINDESK_SEARCH_BENCH=1 go test ./internal/api -run TestPrivateGroupSearchLatency -v -timeout 60m
func TestPrivateGroupSearchLatency(t *testing.T) {
	n := searchBenchN(t)
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			env := apitest.New(t, b)
			ids := benchTickets(t, env, n)
			res := env.Do(t, "POST", "/api/v2/groups.json", map[string]any{"group": map[string]any{"name": "Payroll", "is_public": false}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			var g struct{ Group struct{ ID int64 } }
			res.Decode(t, &g)
			// A tenth of the tickets go to Payroll, before any search has read
			// (and cached) the group's set.
			_, err := env.Instance.DB.WriteDB().ExecContext(t.Context(), `UPDATE tickets SET group_id = $1 WHERE id % 10 = 0`, g.Group.ID)
			require.NoError(t, err)
			if b == apitest.Postgres {
				_, err := env.Instance.DB.WriteDB().ExecContext(t.Context(), `ANALYZE`)
				require.NoError(t, err)
			}
			_, tok := env.CreateAgent(t, "Hana HR", "hana@example.com")
			hana := apitest.As("hana@example.com", tok)
			rows := []string{"| query | admin p50 / p99 ms | agent outside the group p50 / p99 ms | results admin / agent |", "|---|---|---|---|"}
			for _, q := range benchQueries(ids) {
				la, ca := measure(t, env, q, 40)
				lh, ch := measure(t, env, q, 40, hana)
				rows = append(rows, fmt.Sprintf("| `%s` | %.1f / %.1f | %.1f / %.1f | %d / %d |", q,
					ms(pct(la, 50)), ms(pct(la, 99)), ms(pct(lh, 50)), ms(pct(lh, 99)), ca, ch))
			}
			show := func(opts ...apitest.RequestOption) []time.Duration {
				var lat []time.Duration
				for i := range 200 {
					start := time.Now()
					res := env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", ids[i*7%len(ids)]), nil, opts...)
					lat = append(lat, time.Since(start))
					require.Contains(t, []int{http.StatusOK, http.StatusNotFound}, res.Status)
				}
				return lat
			}
			la, lh := show(), show(hana)
			rows = append(rows, fmt.Sprintf("| GET /tickets/{id} | %.2f / %.2f | %.2f / %.2f | |", ms(pct(la, 50)), ms(pct(la, 99)), ms(pct(lh, 50)), ms(pct(lh, 99))))
			t.Logf("%s, %d tickets, a tenth private:\n%s", b, n, strings.Join(rows, "\n"))
		})
	}
}

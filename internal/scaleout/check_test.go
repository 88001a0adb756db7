//go:build processtests

package scaleout

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/proctest"
)

// checkTickets lists the tickets through the API: each one the phase created is
// there exactly once, under the id its create answered.
func (c *cluster) checkTickets(t *testing.T, phase string, ids []int64) {
	t.Helper()
	all, err := c.ca.tickets(context.Background())
	require.NoError(t, err)
	prefix := subject(c.runID, phase, 0)
	prefix = prefix[:len(prefix)-1] // "... #"
	bySubject := map[string][]int64{}
	for _, tk := range all {
		s, _ := tk["subject"].(string)
		if id, _ := tk["id"].(float64); strings.HasPrefix(s, prefix) {
			bySubject[s] = append(bySubject[s], int64(id))
		}
	}
	var problems []string
	for i, id := range ids {
		s := subject(c.runID, phase, i)
		if got := bySubject[s]; !slices.Equal(got, []int64{id}) {
			problems = append(problems, s+": tickets "+jsonOf(got)+", create answered "+jsonOf(id))
		}
	}
	require.Len(t, bySubject, len(ids), "tickets of phase %s", phase)
	require.Empty(t, problems, "tickets created twice or missing:\n%s", strings.Join(problems, "\n"))
}

// checkJobs reads the shared queue: each ticket of the phase has one delivery,
// delivered, and one River job, completed. It returns how many of those jobs were
// attempted more than once.
func (c *cluster) checkJobs(t *testing.T, ids []int64) int {
	t.Helper()
	var deliveries, undelivered, unfinished, twice int
	err := c.db.QueryRowContext(context.Background(), `
		SELECT count(*),
		       count(*) FILTER (WHERE d.state <> 'delivered'),
		       count(*) FILTER (WHERE j.state IS DISTINCT FROM 'completed'),
		       count(*) FILTER (WHERE j.attempt > 1)
		FROM deliveries d LEFT JOIN river_job j ON j.id = d.job_id
		WHERE d.ticket_id BETWEEN $1 AND $2`, slices.Min(ids), slices.Max(ids)).
		Scan(&deliveries, &undelivered, &unfinished, &twice)
	require.NoError(t, err)
	require.Equal(t, len(ids), deliveries, "deliveries recorded for the phase's tickets")
	require.Zero(t, undelivered, "deliveries not recorded as delivered")
	require.Zero(t, unfinished, "River jobs not completed")
	return twice
}

// deliveredPerNode counts the "delivered" lines in each node's log: the receiver
// cannot tell the nodes apart, their logs can.
func (c *cluster) deliveredPerNode(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range []*proctest.Proc{c.a, c.b} {
		f, err := os.Open(p.LogPath)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Msg string `json:"msg"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "delivered" {
				out[p.Name]++
			}
		}
		require.NoError(t, sc.Err())
		require.NoError(t, f.Close())
	}
	return out
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

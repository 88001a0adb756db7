//go:build processtests

package scaleout

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
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

// deliveredLogged reads the "delivered" lines of both nodes' logs: how many each
// node wrote (the receiver cannot tell the nodes apart, their logs can), and how
// many name each delivery id.
func (c *cluster) deliveredLogged(t *testing.T) (perNode, perDelivery map[string]int) {
	t.Helper()
	perNode, perDelivery = map[string]int{}, map[string]int{}
	for _, p := range []*proctest.Proc{c.a, c.b} {
		f, err := os.Open(p.LogPath)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Msg        string `json:"msg"`
				DeliveryID string `json:"delivery_id"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "delivered" {
				perNode[p.Name]++
				perDelivery[line.DeliveryID]++
			}
		}
		require.NoError(t, sc.Err())
		require.NoError(t, f.Close())
	}
	return perNode, perDelivery
}

// undelivered counts the deliveries of tickets first..last that the senders have
// not recorded as delivered.
func (c *cluster) undelivered(t *testing.T, first, last int64) int {
	t.Helper()
	var n int
	require.NoError(t, c.db.QueryRowContext(context.Background(), `SELECT count(*) FROM deliveries
		WHERE ticket_id BETWEEN $1 AND $2 AND state <> 'delivered'`, first, last).Scan(&n))
	return n
}

// checkSends compares, delivery by delivery (the Idempotency-Key is the delivery
// id), what the receiver got with what the senders recorded: the attempts whose
// outcome a node recorded (deliveries.attempts), the runs of its River job, and the
// "delivered" lines of the logs. A delivery may arrive again only after a send
// whose outcome no node recorded: the kill cut its sender off after the request
// left and before the answer was recorded, so River ran its job again. Whether the
// receiver managed to write its 200 before it noticed the dead sender says
// nothing: the sender's record does. It returns those unrecorded sends and the
// problems: a delivery recorded delivered twice (sent again after its success
// was recorded), more than one unrecorded send of one delivery, an unrecorded send
// on a job River ran once, and arrivals of attempts recorded as failed.
func (c *cluster) checkSends(t *testing.T, s seen, ids []int64, loggedDelivered map[string]int) (unrecorded int, problems []string) {
	t.Helper()
	arrivals := map[string]int{}
	for _, a := range s.arrivals {
		arrivals[a.key]++
	}
	rows, err := c.db.QueryContext(context.Background(), `SELECT d.id, d.ticket_id, d.attempts, COALESCE(j.attempt, 0)
		FROM deliveries d LEFT JOIN river_job j ON j.id = d.job_id WHERE d.ticket_id BETWEEN $1 AND $2 ORDER BY d.ticket_id`,
		slices.Min(ids), slices.Max(ids))
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var id string
		var ticket int64
		var attempts, runs int
		require.NoError(t, rows.Scan(&id, &ticket, &attempts, &runs))
		got := arrivals[id]
		desc := fmt.Sprintf("ticket %d, delivery %s: %d arrivals, %d attempts recorded, job run %d times, %d delivered lines",
			ticket, id, got, attempts, runs, loggedDelivered[id])
		cut := max(0, got-attempts)
		switch {
		case loggedDelivered[id] > 1:
			problems = append(problems, desc+": recorded delivered twice, so sent again after its success was recorded")
		case cut > 1:
			problems = append(problems, desc+": more than one send no node recorded")
		case cut == 1 && runs < 2:
			problems = append(problems, desc+": a send no node recorded, on a job River ran once (not a kill's cut)")
		case got-1 > cut:
			problems = append(problems, desc+": sent again after an attempt recorded as failed")
		}
		unrecorded += cut
	}
	require.NoError(t, rows.Err())
	return unrecorded, problems
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

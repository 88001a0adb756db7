package instance_test

import (
	"slices"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/config"
)

// webhookLatencies creates n tickets one at a time on from, each firing a
// webhook trigger, and returns how long each took from its create request to
// the receiver's hearing it.
func webhookLatencies(t *testing.T, from *node, n int) []time.Duration {
	t.Helper()
	rcv := newReceiver(t)
	from.onCreate(from.webhook(rcv.URL()))
	var took []time.Duration
	for i := range n {
		start := time.Now()
		from.ticket("listen")
		waitFor(t, 5*time.Second, "the webhook", func() bool { return len(rcv.ok()) == i+1 })
		took = append(took, rcv.ok()[i].At.Sub(start))
	}
	slices.Sort(took)
	return took
}

// TestPostgresNotifyWakesNodes: on PostgreSQL a committed job wakes the nodes'
// fetchers through LISTEN/NOTIFY, so with the poll set to a minute a webhook
// still leaves at once, from whichever of two nodes claims it. Polling only, each
// would wait up to a minute.
func TestPostgresNotifyWakesNodes(t *testing.T) {
	t.Parallel()
	d := newDeployment(t, postgresBackend)
	d.configure = func(c *config.Serve) { c.JobPoll = time.Minute }
	a := d.open(true)
	d.open(true)                // a second node listens too; either may claim the job
	time.Sleep(2 * time.Second) // both past River's first fetch at start
	took := webhookLatencies(t, a, 10)
	if worst := took[len(took)-1]; worst > 2*time.Second {
		t.Errorf("slowest webhook took %s with a one-minute poll: no notification woke the fetchers", worst)
	}
	t.Logf("webhook latency with a 1 min poll: p50 %s, max %s", took[len(took)/2], took[len(took)-1])
}

// TestWebhookLatencyDefaultPoll measures a webhook's latency on two nodes with the
// default poll, for docs/benchmarks.md (-v shows the figures).
func TestWebhookLatencyDefaultPoll(t *testing.T) {
	t.Parallel()
	d := newDeployment(t, postgresBackend)
	a := d.open(true)
	d.open(true)
	took := webhookLatencies(t, a, 100)
	t.Logf("webhook latency, 100 one at a time, two nodes: p50 %s, p90 %s, max %s", took[50], took[90], took[99])
}

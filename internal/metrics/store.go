package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/twindesk/twindesk/internal/store"
)

// Source is what a scrape reads from the database.
type Source interface {
	// DeliveryBacklog counts unsettled deliveries by endpoint and state.
	DeliveryBacklog(ctx context.Context) ([]store.Backlog, error)
	// Escalations counts the tickets whose escalation is in flight, and failed.
	Escalations(ctx context.Context) (store.Escalations, error)
	// ScrubDebt is what purges still owe in scrubs.
	ScrubDebt(ctx context.Context) (store.ScrubDebt, error)
	// JobQueue counts the job queue's unfinished jobs by kind and state.
	JobQueue(ctx context.Context) ([]store.QueuedJobs, error)
}

// storeTimeout bounds a scrape's database reads: a scrape must not queue behind a
// long write, and a gauge missing for one scrape is better than a stuck scraper.
const storeTimeout = 2 * time.Second

// storeCollector reads its gauges from the database at each scrape, so every node
// of a deployment reports the same, current values (counters kept in memory
// would only know what this node did).
type storeCollector struct {
	src Source
	log *slog.Logger

	up, backlog, inFlight, failed, owed, oldest, scrubAttempts, jobs *prometheus.Desc
}

func newStoreCollector(src Source, log *slog.Logger) *storeCollector {
	return &storeCollector{
		src: src,
		log: log,
		up: prometheus.NewDesc("twindesk_metrics_store_up",
			"1 if this scrape read every database gauge, 0 if one failed or took over 2 s (it is then left out).", nil, nil),
		backlog: prometheus.NewDesc("twindesk_webhook_deliveries_waiting",
			"Deliveries not settled yet (waiting for an earlier step, pending, retrying), by endpoint kind, id and state.",
			[]string{"kind", "endpoint", "state"}, nil),
		inFlight: prometheus.NewDesc("twindesk_escalations_in_flight",
			"Tickets tagged escalation_in_progress: escalated, not yet purged from this instance.", nil, nil),
		failed: prometheus.NewDesc("twindesk_escalations_failed",
			"Tickets whose escalation is in flight and has a chain that failed for good; an agent must retry it.", nil, nil),
		owed: prometheus.NewDesc("twindesk_scrubs_owed",
			"Purges whose scrub (WAL checkpoint, index rebuild, vacuum) has not succeeded yet: their text may remain on disk.", nil, nil),
		oldest: prometheus.NewDesc("twindesk_scrub_oldest_owed_seconds",
			"Age of the oldest scrub owed; 0 when none is.", nil, nil),
		scrubAttempts: prometheus.NewDesc("twindesk_scrub_failed_attempts",
			"Scrubs that failed since the oldest one owed.", nil, nil),
		jobs: prometheus.NewDesc("twindesk_jobs_queued",
			"The job queue's unfinished jobs (deliveries, mail, automations), by kind and state (available, scheduled, retryable, running).",
			[]string{"kind", "state"}, nil),
	}
}

// Describe sends every series' description.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.backlog, c.inFlight, c.failed, c.owed, c.oldest, c.scrubAttempts, c.jobs} {
		ch <- d
	}
}

// Collect reads the gauges; one that fails is left out and logged.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	ok := c.collectBacklog(ctx, ch)
	ok = c.collectEscalations(ctx, ch) && ok
	ok = c.collectScrubs(ctx, ch) && ok
	ok = c.collectJobs(ctx, ch) && ok
	up := 0.0
	if ok {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
}

func (c *storeCollector) collectBacklog(ctx context.Context, ch chan<- prometheus.Metric) bool {
	rows, err := c.src.DeliveryBacklog(ctx)
	if err != nil {
		c.log.Warn("metrics: read delivery backlog", "err", err)
		return false
	}
	for _, b := range rows {
		ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(b.Count), b.Kind, b.EndpointRef, b.State)
	}
	return true
}

func (c *storeCollector) collectEscalations(ctx context.Context, ch chan<- prometheus.Metric) bool {
	e, err := c.src.Escalations(ctx)
	if err != nil {
		c.log.Warn("metrics: read escalations", "err", err)
		return false
	}
	ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(e.InFlight))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(e.Failed))
	return true
}

func (c *storeCollector) collectScrubs(ctx context.Context, ch chan<- prometheus.Metric) bool {
	d, err := c.src.ScrubDebt(ctx)
	if err != nil {
		c.log.Warn("metrics: read scrubs owed", "err", err)
		return false
	}
	age := 0.0
	if d.Count > 0 && !d.Since.IsZero() {
		age = max(0, time.Since(d.Since).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.owed, prometheus.GaugeValue, float64(d.Count))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(c.scrubAttempts, prometheus.GaugeValue, float64(d.Attempts))
	return true
}

func (c *storeCollector) collectJobs(ctx context.Context, ch chan<- prometheus.Metric) bool {
	jobs, err := c.src.JobQueue(ctx)
	if err != nil {
		c.log.Warn("metrics: read job queue", "err", err)
		return false
	}
	for _, j := range jobs {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(j.Count), j.Kind, j.State)
	}
	return true
}

package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// work holds the series of what the node's database and searches did.
type work struct {
	commitTook    prometheus.Histogram
	commitCallers prometheus.Histogram
	searchTook    *prometheus.HistogramVec
}

func newWork() work {
	return work{
		commitTook: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "twindesk_db_commit_duration_seconds",
			Help:    "Time from a write transaction's begin to the end of its commit (a group commit counts once).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		commitCallers: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "twindesk_db_commit_callers",
			Help:    "Write transactions carried by one commit: above 1 when group commit batched them (SQLite).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
		}),
		searchTook: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "twindesk_search_duration_seconds",
			Help:    "Time to answer a ticket search page, by query shape (never the query).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"shape"}),
	}
}

func (w work) collectors() []prometheus.Collector {
	return []prometheus.Collector{w.commitTook, w.commitCallers, w.searchTook}
}

// ObserveCommit records a write commit (store.CommitObserver).
func (m *Metrics) ObserveCommit(callers int, took time.Duration) {
	m.work.commitTook.Observe(took.Seconds())
	m.work.commitCallers.Observe(float64(callers))
}

// ObserveSearch records a search page's time by its query's shape
// (desk.SearchObserver).
func (m *Metrics) ObserveSearch(shape string, took time.Duration) {
	m.work.searchTook.WithLabelValues(shape).Observe(took.Seconds())
}

// Package metrics exposes what an operator watches on one instance, in
// Prometheus's text format: requests by route, webhook deliveries, escalations in
// flight and the scrubs a purge still owes. Each instance has its own registry
// (two instances share a test process), and no label ever holds a path, a URL or
// ticket data: routes are the route table's patterns, endpoints their ids.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/twindesk/twindesk/internal/httpx"
)

// Metrics is one instance's registry and the series it updates as work happens.
type Metrics struct {
	reg         *prometheus.Registry
	log         *slog.Logger
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	peerRefused *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	work        work
	queue       queue
}

// New builds the registry with the Go runtime and process collectors and the
// database gauges read from src at each scrape.
func New(src Source, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twindesk_http_requests_total",
			Help: "HTTP requests answered, by route pattern (never the path) and status class.",
		}, []string{"route", "status_class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "twindesk_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and status class.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "status_class"}),
		peerRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twindesk_peer_requests_refused_total",
			Help: "Requests by the peer instance's identity answered with a 4xx (refused by the peer rules, not found, invalid), by route pattern and status.",
		}, []string{"route", "status"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twindesk_webhook_deliveries_total",
			Help: "Delivery attempts by outcome (delivered, retried, failed for good), by endpoint kind and id (never its URL).",
		}, []string{"kind", "endpoint", "outcome"}),
		work:  newWork(),
		queue: newQueue(),
	}
	m.reg.MustRegister(m.work.collectors()...)
	m.reg.MustRegister(m.queue.collectors()...)
	m.reg.MustRegister(m.requests, m.latency, m.peerRefused, m.deliveries,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newStoreCollector(src, log))
	return m
}

// Handler serves the registry in Prometheus's text format. A database gauge that
// can't be read is left out (twindesk_metrics_store_up says so); the rest is served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		ErrorLog:            slogPrinter{m.log},
		Timeout:             10 * time.Second,
		MaxRequestsInFlight: 4,
	})
}

// Registry is the instance's registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest counts a finished request (httpx.Observer).
func (m *Metrics) ObserveRequest(f httpx.Finished) {
	class := strconv.Itoa(f.Status/100) + "xx"
	m.requests.WithLabelValues(f.Route, class).Inc()
	m.latency.WithLabelValues(f.Route, class).Observe(f.Duration.Seconds())
	if f.Peer && f.Status >= 400 && f.Status < 500 {
		m.peerRefused.WithLabelValues(f.Route, strconv.Itoa(f.Status)).Inc()
	}
}

// DeliveryOutcome counts an attempt's outcome (jobs.Observer).
func (m *Metrics) DeliveryOutcome(kind, endpointRef, outcome string) {
	m.deliveries.WithLabelValues(kind, endpointRef, outcome).Inc()
}

// slogPrinter hands promhttp's errors to the instance's log.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics", "err", fmt.Sprint(v...)) }

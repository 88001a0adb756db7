package instance_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	pmodel "github.com/prometheus/common/model"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// freeAddr is a loopback address nothing listens on (a moment ago).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// scrape reads /metrics from addr and parses it as Prometheus's text format.
func scrape(t *testing.T, addr string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %s", resp.StatusCode, raw)
	}
	parser := expfmt.NewTextParser(pmodel.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("the Prometheus text parser refuses /metrics: %v\n%s", err, raw)
	}
	return fams, string(raw)
}

// value is the value of the series of family name whose labels include want;
// -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestMetrics drives a served instance over HTTP (API, UI, a webhook retried
// once then delivered, a peer refused) and reads /metrics on --metrics-addr:
// the counters moved, labelled by route pattern and webhook id, and nothing of the
// ticket (subject canary, id-bearing path, webhook URL) is in the output.
func TestMetrics(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		metricsAddr := freeAddr(t)
		dep := newDeployment(t, b)
		dep.configure = func(c *config.Serve) { c.MetricsAddr = metricsAddr }
		n := dep.open(true)

		rcv := newReceiver(t)
		rcv.setAnswer(func(n int, _ []byte) int {
			if n == 1 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		wh := n.webhook(rcv.URL())
		n.onCreate(wh)
		// A second webhook whose endpoint refuses: its job stays in the queue.
		down := newReceiver(t)
		down.down()
		n.onCreate(n.webhook(down.URL()))
		const canary = "Zqxcanarymetrics"
		id := n.ticket(canary + " salary of Jo")
		waitFor(t, 30*time.Second, "the delivery, retried once", func() bool { return len(rcv.ok()) == 1 })

		n.must(http.StatusOK, "GET", "/api/v2/tickets/"+itoa(id)+".json", nil, nil)
		n.must(http.StatusOK, "GET", "/api/v2/search.json?query="+canary, nil, nil)
		if status, _ := n.do("GET", "/api/v2/tickets/987654.json", nil, nil, nil); status != http.StatusNotFound {
			t.Fatalf("missing ticket: %d, want 404", status)
		}
		uiResp, err := http.Get(n.URL + "/tickets/" + itoa(id) + "?q=" + canary)
		if err != nil {
			t.Fatal(err)
		}
		uiResp.Body.Close()
		// Unknown paths fall to the catch-all patterns: a path can't mint a series.
		if status, _ := n.do("GET", "/api/v2/"+canary+".json", nil, nil, nil); status != http.StatusNotFound {
			t.Fatalf("unknown API path: %d, want 404", status)
		}
		if resp, err := http.Get(n.URL + "/" + canary); err == nil {
			resp.Body.Close()
		}

		// The peer identity asks for what the peer rules refuse: a read (403) and
		// a change to a ticket no escalation links (404).
		var issued struct {
			PeerIdentity struct{ Token string } `json:"peer_identity"`
		}
		n.must(http.StatusCreated, "POST", "/api/v2/twindesk/peer_identities/standard/token", nil, &issued)
		peerNode := *n
		peerNode.token = issued.PeerIdentity.Token
		if status, _ := peerNode.do("GET", "/api/v2/users.json", nil, nil, nil); status != http.StatusForbidden {
			t.Fatalf("peer read of users: %d, want 403", status)
		}
		if status, _ := peerNode.do("PUT", "/api/v2/tickets/"+itoa(id)+".json", map[string]any{"ticket": map[string]any{"status": "solved"}}, nil, nil); status < 400 || status >= 500 {
			t.Fatalf("peer change of an unlinked ticket: %d, want a 4xx", status)
		}

		// The receiver answers before the worker records the outcome: wait for it.
		delivered := map[string]string{"kind": "webhook", "endpoint": wh, "outcome": "delivered"}
		waitFor(t, 30*time.Second, "the delivered outcome counted and the refused delivery queued", func() bool {
			fams, _ := scrape(t, metricsAddr)
			return value(fams, "twindesk_webhook_deliveries_total", delivered) >= 1 && value(fams, "twindesk_jobs_queued", nil) >= 1
		})
		fams, raw := scrape(t, metricsAddr)
		checks := []struct {
			name   string
			labels map[string]string
			min    float64
		}{
			{"twindesk_http_requests_total", map[string]string{"route": "POST /api/v2/tickets", "status_class": "2xx"}, 1},
			{"twindesk_http_requests_total", map[string]string{"route": "GET /api/v2/tickets/{id}", "status_class": "2xx"}, 1},
			{"twindesk_http_requests_total", map[string]string{"route": "GET /api/v2/tickets/{id}", "status_class": "4xx"}, 1},
			{"twindesk_http_requests_total", map[string]string{"route": "GET /api/v2/search", "status_class": "2xx"}, 1},
			{"twindesk_http_requests_total", map[string]string{"route": "GET /tickets/{id}", "status_class": "3xx"}, 1},
			{"twindesk_http_request_duration_seconds", map[string]string{"route": "GET /api/v2/search", "status_class": "2xx"}, 1},
			{"twindesk_webhook_deliveries_total", map[string]string{"kind": "webhook", "endpoint": wh, "outcome": "retried"}, 1},
			{"twindesk_webhook_deliveries_total", map[string]string{"kind": "webhook", "endpoint": wh, "outcome": "delivered"}, 1},
			{"twindesk_peer_requests_refused_total", map[string]string{"route": "GET /api/v2/users", "status": "403"}, 1},
			{"twindesk_peer_requests_refused_total", map[string]string{"route": "PUT /api/v2/tickets/{id}"}, 1},
			{"twindesk_metrics_store_up", nil, 1},
			{"twindesk_escalations_in_flight", nil, 0},
			{"twindesk_escalations_failed", nil, 0},
			{"twindesk_scrubs_owed", nil, 0},
			{"twindesk_scrub_oldest_owed_seconds", nil, 0},
			{"twindesk_db_commit_duration_seconds", nil, 3},
			{"twindesk_db_commit_callers", nil, 3},
			{"twindesk_search_duration_seconds", map[string]string{"shape": "word"}, 1},
			{"twindesk_jobs_queued", nil, 1},
		}
		for _, c := range checks {
			if got := value(fams, c.name, c.labels); got < c.min {
				t.Errorf("%s%v = %v, want >= %v", c.name, c.labels, got, c.min)
			}
		}
		if got := value(fams, "twindesk_webhook_deliveries_total", map[string]string{"endpoint": wh, "outcome": "failed"}); got != -1 {
			t.Errorf("failed deliveries counted: %v, want none", got)
		}
		lower := strings.ToLower(raw)
		for _, leak := range []string{strings.ToLower(canary), "salary", "/tickets/" + itoa(id), "987654", rcv.addr, "/hook"} {
			if strings.Contains(lower, strings.ToLower(leak)) {
				t.Errorf("/metrics holds %q", leak)
			}
		}
	})
}

// TestMetricsNotOnMainAddress: the main address, which faces the network, serves
// no metrics to anyone, an admin or a loopback client included; they exist only
// on --metrics-addr, which can't be the main address.
func TestMetricsNotOnMainAddress(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(false)
	for _, auth := range []bool{false, true} {
		req, _ := http.NewRequest("GET", n.URL+"/metrics", nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+n.token)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(raw), "twindesk_") || strings.Contains(string(raw), "go_goroutines") {
			t.Errorf("main address /metrics (auth %v): %d %.200s; want no metrics", auth, resp.StatusCode, raw)
		}
	}
	cfg := config.Serve{Addr: "127.0.0.1:8080", MetricsAddr: "127.0.0.1:8080", LogLevel: "info"}
	if err := cfg.Validate(); err == nil {
		t.Error("--metrics-addr equal to --addr accepted")
	}
}

// TestMetricsGaugesFromDatabase: the gauges read at scrape time follow the
// database: a delivery nobody works yet, an escalation in flight, one whose chain
// failed for good, and a scrub owed for a minute.
func TestMetricsGaugesFromDatabase(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(false) // no queue: deliveries stay pending, scrubs owed
		srv := httptest.NewServer(n.In.MetricsHandler())
		t.Cleanup(srv.Close)
		addr := strings.TrimPrefix(srv.URL, "http://")

		fams, _ := scrape(t, addr)
		for _, name := range []string{"twindesk_escalations_in_flight", "twindesk_escalations_failed", "twindesk_scrubs_owed", "twindesk_scrub_oldest_owed_seconds"} {
			if got := value(fams, name, nil); got != 0 {
				t.Errorf("%s = %v on a fresh instance, want 0", name, got)
			}
		}

		wh := n.webhook("http://127.0.0.1:9/hook")
		n.onCreate(wh)
		inFlight, stuck, purged := n.ticket("escalating"), n.ticket("escalation failed"), n.ticket("settled by its purge")
		ctx := context.Background()
		err := n.In.DB.WriteTx(ctx, func(tx *store.Tx) error {
			for _, id := range []int64{inFlight, stuck, purged} {
				if _, err := tx.SQL.ExecContext(ctx, `INSERT INTO ticket_tags (tag, ticket_id) VALUES ($1, $2)`, peer.TagEscalationInFlight, id); err != nil {
					return err
				}
			}
			now := time.Now()
			if err := tx.AddDelivery(ctx, &model.Delivery{ID: "01FAILEDSTEP", ChainID: "chain", TicketID: stuck, Kind: "webhook",
				EndpointRef: wh, Method: "POST", URL: "http://127.0.0.1:9/hook", State: model.DeliveryFailed, LastError: "answered 413",
				CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			// A delivery the ticket's purge settled as failed is no stuck escalation.
			if err := tx.AddDelivery(ctx, &model.Delivery{ID: "01PURGEDSTEP", ChainID: "chain2", TicketID: purged, Kind: "webhook",
				EndpointRef: wh, Method: "POST", URL: "http://127.0.0.1:9/hook", State: model.DeliveryFailed, LastError: store.NotSentPurged,
				CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			return tx.OweScrub(ctx, now.Add(-time.Minute))
		})
		if err != nil {
			t.Fatal(err)
		}

		fams, _ = scrape(t, addr)
		want := []struct {
			name   string
			labels map[string]string
			min    float64
			max    float64
		}{
			{"twindesk_webhook_deliveries_waiting", map[string]string{"kind": "webhook", "endpoint": wh, "state": "pending"}, 3, 3},
			{"twindesk_escalations_in_flight", nil, 3, 3},
			{"twindesk_escalations_failed", nil, 1, 1},
			{"twindesk_scrubs_owed", nil, 1, 1},
			{"twindesk_scrub_oldest_owed_seconds", nil, 59, 120},
			{"twindesk_metrics_store_up", nil, 1, 1},
		}
		for _, w := range want {
			if got := value(fams, w.name, w.labels); got < w.min || got > w.max {
				t.Errorf("%s%v = %v, want %v..%v", w.name, w.labels, got, w.min, w.max)
			}
		}
	})
}

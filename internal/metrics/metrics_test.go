package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/metrics"
	"github.com/twindesk/twindesk/internal/store"
)

// source is a database that answers what it's told, or fails.
type source struct {
	err   error
	debt  store.ScrubDebt
	block bool
}

func (s source) DeliveryBacklog(ctx context.Context) ([]store.Backlog, error) {
	if s.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return []store.Backlog{{Kind: "webhook", EndpointRef: "01WH", State: "retrying", Count: 4}}, s.err
}

func (s source) Escalations(context.Context) (store.Escalations, error) {
	return store.Escalations{InFlight: 2, Failed: 1}, s.err
}

func (s source) ScrubDebt(context.Context) (store.ScrubDebt, error) { return s.debt, s.err }

func (s source) JobQueue(context.Context) ([]store.QueuedJobs, error) {
	return []store.QueuedJobs{{Kind: "delivery", State: "available", Count: 5}}, s.err
}

func get(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %s", resp.StatusCode, raw)
	}
	return string(raw)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestGauges(t *testing.T) {
	t.Parallel()
	m := metrics.New(source{debt: store.ScrubDebt{Count: 3, Since: time.Now().Add(-90 * time.Second), Attempts: 2}}, quiet())
	out := get(t, m)
	for _, want := range []string{
		`twindesk_webhook_deliveries_waiting{endpoint="01WH",kind="webhook",state="retrying"} 4`,
		"twindesk_escalations_in_flight 2", "twindesk_escalations_failed 1",
		"twindesk_scrubs_owed 3", "twindesk_scrub_oldest_owed_seconds 9", "twindesk_scrub_failed_attempts 2",
		"twindesk_metrics_store_up 1", "go_goroutines",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// TestStoreDown: a database that fails or hangs leaves its gauges out and says
// so in twindesk_metrics_store_up; the scrape still answers, within the timeout.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]source{"failing": {err: errors.New("database is locked")}, "hanging": {block: true}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := metrics.New(src, quiet())
			m.ObserveRequest(httpx.Finished{Route: "GET /api/v2/tickets/{id}", Status: 200, Duration: time.Millisecond})
			start := time.Now()
			out := get(t, m)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("scrape took %s", d)
			}
			if !strings.Contains(out, "twindesk_metrics_store_up 0") {
				t.Errorf("store_up not 0:\n%s", out)
			}
			if !strings.Contains(out, `twindesk_http_requests_total{route="GET /api/v2/tickets/{id}",status_class="2xx"} 1`) {
				t.Errorf("request counter missing while the store is down:\n%s", out)
			}
		})
	}
}

// TestPeerRefusals counts only a peer's 4xx answers.
func TestPeerRefusals(t *testing.T) {
	t.Parallel()
	m := metrics.New(source{}, quiet())
	for _, f := range []httpx.Finished{
		{Route: "GET /api/v2/users", Status: 403, Peer: true},
		{Route: "PUT /api/v2/tickets/{id}", Status: 200, Peer: true},
		{Route: "PUT /api/v2/tickets/{id}", Status: 404, Peer: false},
		{Route: "PUT /api/v2/tickets/{id}", Status: 500, Peer: true},
	} {
		m.ObserveRequest(f)
	}
	out := get(t, m)
	if !strings.Contains(out, `twindesk_peer_requests_refused_total{route="GET /api/v2/users",status="403"} 1`) {
		t.Errorf("peer 403 not counted:\n%s", out)
	}
	if strings.Contains(out, `twindesk_peer_requests_refused_total{route="PUT`) {
		t.Errorf("a peer's 2xx/5xx or another user's 4xx counted as a peer refusal:\n%s", out)
	}
}

func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New(source{}, quiet())
	f := httpx.Finished{Route: "GET /api/v2/tickets/{id}", Status: 200, Duration: 3 * time.Millisecond}
	for b.Loop() {
		m.ObserveRequest(f)
	}
}

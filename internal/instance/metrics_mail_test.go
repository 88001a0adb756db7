package instance_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/mailpittest"
)

// scrapeHandler serves the instance's /metrics handler and parses it (scrape).
func scrapeHandler(t *testing.T, n *node) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(n.In.Metrics.Handler())
	defer srv.Close()
	fams, _ := scrape(t, strings.TrimPrefix(srv.URL, "http://"))
	return fams
}

// TestMetricsMailAndFullList: a notification mail sent to a real relay (Mailpit)
// moves twindesk_mail_deliveries_total{outcome="sent"} from 0 to 1, and after a
// ticket, a search and that mail every series issue 20 lists is served: requests
// by route and status, commit latency and batch size, the job queue by state,
// webhook and mail deliveries, escalations in flight and their round trip, search
// latency by shape. The queue's gauges (twindesk_jobs_queued,
// twindesk_webhook_deliveries_waiting) have a series only while something waits:
// TestMetrics and TestMetricsGaugesFromDatabase see them move.
func TestMetricsMailAndFullList(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "full").open(true)
	fams := scrapeHandler(t, n)
	require.Zero(t, value(fams, "twindesk_mail_deliveries_total", map[string]string{"outcome": "sent"}))

	z := zendeskClient(t, n)
	_, err := z.CreateTicket(context.Background(), zendesk.Ticket{Subject: "Printer on 2",
		Requester: &zendesk.Requester{Name: "Jo Doe", Email: "jo@example.org"},
		Comment:   &zendesk.TicketComment{Body: "It prints nothing."}})
	require.NoError(t, err)
	sink.WaitFor(1, 20*time.Second)
	n.must(200, "GET", "/api/v2/search.json?query=printer", nil, nil)
	waitFor(t, 10*time.Second, "the sent mail counted", func() bool {
		fams = scrapeHandler(t, n)
		return value(fams, "twindesk_mail_deliveries_total", map[string]string{"outcome": "sent"}) == 1
	})
	for _, name := range []string{
		"twindesk_http_requests_total", "twindesk_http_request_duration_seconds",
		"twindesk_db_commit_duration_seconds", "twindesk_db_commit_callers",
		"twindesk_mail_deliveries_total",
		"twindesk_escalations_in_flight", "twindesk_escalations_failed", "twindesk_escalation_duration_seconds",
		"twindesk_search_duration_seconds", "twindesk_metrics_store_up",
	} {
		if _, ok := fams[name]; !ok {
			t.Errorf("/metrics does not serve %s", name)
		}
	}
}

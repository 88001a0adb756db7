package escalation_test

import (
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	pmodel "github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

// scrapeMetrics reads n's /metrics handler over HTTP and parses it with
// Prometheus's text parser.
func scrapeMetrics(t *testing.T, n *node) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(n.Instance.Metrics.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(pmodel.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	require.NoError(t, err, "the Prometheus text parser refuses /metrics")
	return fams
}

// stepCount is how many escalations reached step, from the round-trip
// histogram; -1 when the family is not served at all.
func stepCount(fams map[string]*dto.MetricFamily, step string) int {
	f, ok := fams["twindesk_escalation_duration_seconds"]
	if !ok {
		return -1
	}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "step" && l.GetValue() == step {
				return int(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// TestEscalationRoundTripMetrics: one escalation moves standard's round-trip
// histogram once per step (the secure ticket created, the original purged), and
// the in-flight gauge is back to 0 once the original is gone.
func TestEscalationRoundTripMetrics(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	fams := scrapeMetrics(t, tw.std)
	require.Zero(t, stepCount(fams, "secure_created"), "the round-trip histogram is served before any escalation")
	require.Zero(t, stepCount(fams, "original_purged"))

	c := canary(t, "METRICS")
	orig := ticketID(it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Payslip",
		"comment": map[string]any{"body": "round trip " + c}}}))
	start := time.Now()
	tw.moveToPseudo(t, it, orig)
	tw.waitLinked(t, orig, c, 30*time.Second)
	var secureCreated, purged int
	eventuallyWithin(t, 10*time.Second, "both round-trip steps in standard's /metrics", func() bool {
		fams = scrapeMetrics(t, tw.std)
		secureCreated, purged = stepCount(fams, "secure_created"), stepCount(fams, "original_purged")
		return secureCreated == 1 && purged == 1
	})
	h := fams["twindesk_escalation_duration_seconds"]
	for _, m := range h.GetMetric() {
		if s := m.GetHistogram().GetSampleSum(); s <= 0 || s > time.Since(start).Seconds() {
			t.Errorf("a step took %.3f s, not within the %s the escalation took", s, time.Since(start))
		}
	}
	require.Zero(t, fams["twindesk_escalations_in_flight"].GetMetric()[0].GetGauge().GetValue(), "the purged original is no longer in flight")
}

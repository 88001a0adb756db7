package api_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/pgtest"
)

// BenchmarkCreateTicketAPI measures ticket creation through the whole stack: HTTP
// over loopback, authentication, validation, the write transaction with its audit
// and comment, on each backend, from several concurrent clients. It reports
// ops/s (tickets created per second). See docs/benchmarks.md for how to run it.
func BenchmarkCreateTicketAPI(b *testing.B) {
	body := []byte(`{"ticket": {"subject": "Printer on fire", "priority": "high", "tags": ["printer", "hardware"],
		"comment": {"body": "It is on fire. Please send someone with an extinguisher."},
		"requester": {"name": "Rita Requester", "email": "rita@example.com"}}}`)
	for _, backend := range apitest.Backends {
		if backend == apitest.Postgres && !pgtest.Configured() {
			b.Run(string(backend), func(b *testing.B) { pgtest.ServerURL(b) }) // skips with a message, or fails under CI
			continue
		}
		// One instance per backend for every run b.N ramps through, so the table
		// grows across runs as it would in production.
		env := apitest.New(b, backend)
		b.Run(string(backend), func(b *testing.B) {
			auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(apitest.AdminEmail+"/token:"+env.AdminToken))
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			b.Cleanup(client.CloseIdleConnections)
			url := env.URL + "/api/v2/tickets.json"
			b.SetParallelism(4) // 4 clients per CPU: requests spend most of their time waiting on the database
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body)) // a constant URL always parses
					req.Header.Set("Authorization", auth)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("create ticket: status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}

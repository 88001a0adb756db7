package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestEscalationReportTimeZone, on SQLite and PostgreSQL: the API's report
// counts days and months in ?time_zone= (UTC without one) and says which. An
// escalation made at 23:30 UTC on 31 January counts on 1 February for
// Europe/Berlin and on 31 January in UTC. A zone that isn't an IANA name is a
// 400 InvalidRequest, as a bad date is.
func TestEscalationReportTimeZone(t *testing.T) {
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, backend)
			ctx := context.Background()
			at := time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)
			// Written through the store: the recipe's tags are reserved in desk.
			err := env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
				stub := model.Ticket{Subject: "stub", Status: model.StatusOpen, RequesterID: env.AdminID, SubmitterID: env.AdminID,
					Tags: []string{escalation.TagEscalatedToSecure}, Via: "api", CreatedAt: at, UpdatedAt: at}
				_, err := tx.CreateTicket(ctx, &stub)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				query, zone, from, months string // months: "month:count ..."
			}{
				{"time_zone=Europe/Berlin&from=2026-02-01&to=2026-02-02", "Europe/Berlin", "2026-02-01T00:00:00+01:00", "2026-02:1"},
				{"time_zone=Europe/Berlin&from=2026-01-31&to=2026-02-01", "Europe/Berlin", "2026-01-31T00:00:00+01:00", ""},
				{"time_zone=Europe/Berlin&from=2026-01-01&to=2026-03-01", "Europe/Berlin", "2026-01-01T00:00:00+01:00", "2026-02:1"},
				{"from=2026-01-31&to=2026-02-01", "UTC", "2026-01-31T00:00:00Z", "2026-01:1"},
				{"time_zone=UTC&from=2026-02-01&to=2026-02-02", "UTC", "2026-02-01T00:00:00Z", ""},
			} {
				res := env.Do(t, "GET", "/api/v2/twindesk/reports/escalations.json?"+tc.query, nil)
				var out struct {
					Report struct {
						From     string `json:"from"`
						TimeZone string `json:"time_zone"`
						Total    int    `json:"total"`
						ByMonth  []struct {
							Key   string `json:"key"`
							Count int    `json:"count"`
						} `json:"by_month"`
					} `json:"report"`
				}
				res.Decode(t, &out)
				var got []string
				for _, m := range out.Report.ByMonth {
					got = append(got, fmt.Sprintf("%s:%d", m.Key, m.Count))
				}
				if res.Status != http.StatusOK || out.Report.TimeZone != tc.zone || out.Report.From != tc.from ||
					strings.Join(got, " ") != tc.months || out.Report.Total != len(got) {
					t.Errorf("%s: status %d, zone %q, from %q, months %v, total %d; want %s from %s months %q\n%s",
						tc.query, res.Status, out.Report.TimeZone, out.Report.From, got, out.Report.Total, tc.zone, tc.from, tc.months, res.Body)
				}
			}
			res := env.Do(t, "GET", "/api/v2/twindesk/reports/escalations.csv?time_zone=Europe/Berlin&from=2026-01-01&to=2026-03-01", nil)
			if csv := string(res.Body); res.Status != http.StatusOK || !strings.Contains(csv, "\nmonth,2026-02,1\n") ||
				!strings.Contains(csv, "\ntime_zone,Europe/Berlin,\n") {
				t.Errorf("CSV in Europe/Berlin: status %d\n%s", res.Status, csv)
			}
			for _, bad := range []string{"Mars/Olympus", "Local", "../etc/passwd", "Europe%2FNowhere"} {
				res := env.Do(t, "GET", "/api/v2/twindesk/reports/escalations.json?time_zone="+bad, nil)
				var e struct{ Error, Description string }
				res.Decode(t, &e)
				if res.Status != http.StatusBadRequest || e.Error != "InvalidRequest" || !strings.Contains(e.Description, "time_zone") {
					t.Errorf("time_zone=%s: status %d %s", bad, res.Status, res.Body)
				}
			}
		})
	}
}

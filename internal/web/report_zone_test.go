package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

// TestEscalationReportInViewerZone, on SQLite and PostgreSQL: an escalation
// made at 23:30 UTC on 31 January counts on 1 February (and in February) for
// a viewer in Europe/Berlin, and on 31 January for a viewer in UTC; the page
// and the CSV header say which zone they use.
func TestEscalationReportInViewerZone(t *testing.T) {
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := context.Background()
			d := b.env.Instance.Desk
			stub := b.stub(t, "2330", "ann@example.com")
			at := time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)
			if _, err := b.env.Instance.DB.WriteDB().ExecContext(ctx, `UPDATE tickets SET created_at = $1 WHERE id = $2`,
				at.UnixMicro(), stub.ID); err != nil {
				t.Fatal(err)
			}
			berlin, _ := time.LoadLocation("Europe/Berlin")
			day := func(s string, loc *time.Location) time.Time {
				t, _ := time.ParseInLocation(time.DateOnly, s, loc)
				return t
			}
			for _, tc := range []struct {
				loc            *time.Location
				from, to, want string // want: the months counted, or "" for none
			}{
				{berlin, "2026-02-01", "2026-02-02", "2026-02:1"},
				{berlin, "2026-01-31", "2026-02-01", ""},
				{berlin, "2026-01-01", "2026-03-01", "2026-02:1"},
				{time.UTC, "2026-01-31", "2026-02-01", "2026-01:1"},
				{time.UTC, "2026-02-01", "2026-02-02", ""},
				{time.UTC, "2026-01-01", "2026-03-01", "2026-01:1"},
			} {
				rep, err := d.EscalationReportIn(ctx, b.admin, day(tc.from, tc.loc), day(tc.to, tc.loc), tc.loc)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range rep.ByMonth {
					got = append(got, fmt.Sprintf("%s:%d", m.Key, m.Count))
				}
				if strings.Join(got, " ") != tc.want || rep.Total != len(got) || rep.ByCategoryMonth[strings.Split(tc.want, ":")[0]]["Uncategorised"] != rep.Total {
					t.Errorf("%s %s..%s: months %v total %d by category %v, want %q", tc.loc, tc.from, tc.to, got, rep.Total, rep.ByCategoryMonth, tc.want)
				}
			}

			// The page and the CSV take the viewer's zone and say so.
			agent := viewAgent(t, b, "Berta Berlin", "berta@example.com")
			zone := "Europe/Berlin"
			if _, err := d.UpdateUser(ctx, b.admin, agent.ID, desk.UserInput{TimeZone: &zone}); err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct{ email, zone, row string }{{"berta@example.com", "Europe/Berlin", "2026-02,1,1"},
				{apitest.AdminEmail, "UTC", "2026-01,1,1"}} {
				c := b.client(t)
				c.login(v.email)
				status, page := c.get("/reports/escalations?from=2026-01-01&to=2026-03-01")
				if status != http.StatusOK || !strings.Contains(page, "your time zone, <strong>"+v.zone+"</strong>") {
					t.Fatalf("%s: report page (status %d) doesn't name %s", v.email, status, v.zone)
				}
				status, csv := c.get("/reports/escalations.csv?from=2026-01-01&to=2026-03-01")
				lines := strings.Split(strings.TrimSpace(csv), "\n")
				if status != http.StatusOK || lines[0] != "month ("+v.zone+"),Uncategorised,total" || !strings.Contains(csv, "\n"+v.row+"\n") {
					t.Fatalf("%s: CSV (status %d):\n%s\nwant header in %s and row %s", v.email, status, csv, v.zone, v.row)
				}
			}
		})
	}
}

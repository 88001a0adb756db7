package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserSLAPolicyEditor, at 1280 and 390 px: an admin creates an SLA
// policy with a filter and targets in the editor, sees it listed, gets desk's
// (the API's) message next to a bad target and a bad condition with the form
// kept as typed and nothing stored, edits it, moves it above another policy
// and deletes it.
func TestBrowserSLAPolicyEditor(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			policies := func() []model.SLAPolicy {
				t.Helper()
				all, err := d.SLAPolicies(ctx, b.admin)
				if err != nil {
					t.Fatal(err)
				}
				return all
			}
			if _, err := d.SaveSLAPolicy(ctx, b.admin, model.SLAPolicy{Title: "Everything else",
				Metrics: []model.SLAMetric{{Priority: "normal", Metric: model.MetricFirstReply, Target: 480}}}); err != nil {
				t.Fatal(err)
			}
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			br.open("/admin/")
			br.clickAndLoad(".subnav a[href='/admin/slas']")
			br.clickAndLoad("#new-policy")
			br.fill("title", "VIP")
			br.fill("all_field_0", "current_tags")
			br.fill("all_op_0", "includes")
			br.fill("all_value_0", "vip")
			br.fill("t_first_reply_time_urgent", "2")
			eval[bool](br, `document.getElementById("u_first_reply_time_urgent").value = "hours", true`)
			br.fill("t_next_reply_time_urgent", "0") // no target is zero minutes: desk refuses it
			eval[bool](br, `document.getElementById("b_first_reply_time_urgent").checked = true`)
			br.clickAndLoad("#save-policy")
			if msg := br.text(".rule-row.invalid"); !strings.Contains(msg, "target must be a positive number of minutes") {
				t.Fatalf("a zero target: row says %q", msg)
			}
			if n := len(policies()); n != 1 {
				t.Fatalf("a refused policy was stored (%d policies)", n)
			}
			for id, want := range map[string]string{"title": "VIP", "all_value_0": "vip", "t_first_reply_time_urgent": "2",
				"u_first_reply_time_urgent": "hours", "t_next_reply_time_urgent": "0"} {
				if v := eval[string](br, fmt.Sprintf(`document.getElementById(%q).value`, id)); v != want {
					t.Fatalf("the refused form lost %s: %q, want %q", id, v, want)
				}
			}
			if !eval[bool](br, `document.getElementById("b_first_reply_time_urgent").checked`) {
				t.Fatal("the refused form lost the business-hours box")
			}
			br.checkPage(fmt.Sprintf("refused policy form at %d px", width))
			br.fill("t_next_reply_time_urgent", "30")
			br.clickAndLoad("#save-policy")
			all := policies()
			if len(all) != 2 || all[1].Title != "VIP" {
				t.Fatalf("saved policies %+v", all)
			}
			vip := all[1]
			want := []model.SLAMetric{{Priority: "urgent", Metric: model.MetricFirstReply, Target: 120, BusinessHours: true},
				{Priority: "urgent", Metric: model.MetricNextReply, Target: 30}}
			if fmt.Sprint(vip.Metrics) != fmt.Sprint(want) || whenOf(vip.Filter) != "current_tags includes vip" {
				t.Fatalf("stored %+v filter %+v, want %+v", vip.Metrics, vip.Filter, want)
			}
			if got := br.text("#sla-policies tbody"); !strings.Contains(got, "current_tags includes vip") ||
				!strings.Contains(got, "urgent first_reply_time 120 min (business hours)") {
				t.Fatalf("the list shows %q", got)
			}
			br.checkPage(fmt.Sprintf("SLA list at %d px", width))

			// Edit: the stored hours come back as hours; add a low target.
			br.open(fmt.Sprintf("/admin/slas/%d", vip.ID))
			if v := eval[string](br, `document.getElementById("t_first_reply_time_urgent").value + " " + document.getElementById("u_first_reply_time_urgent").value`); v != "2 hours" {
				t.Fatalf("the edit form shows %q for 120 minutes", v)
			}
			br.fill("description", "Tickets of our VIPs")
			br.fill("t_periodic_update_time_low", "90")
			// A time condition is for automations: desk's message is on its row.
			br.fill("any_field_0", "hours_since_created")
			br.fill("any_op_0", "greater_than")
			br.fill("any_value_0", "1")
			br.clickAndLoad("#save-policy")
			if msg := br.text(".rule-row.invalid"); !strings.Contains(msg, "time conditions are for automations") {
				t.Fatalf("a time condition in the filter: row says %q", msg)
			}
			if p, _ := d.SLAPolicy(ctx, b.admin, vip.ID); p.Description != "" || len(p.Metrics) != 2 {
				t.Fatalf("a refused edit was stored: %+v", p)
			}
			br.fill("any_field_0", "")
			br.clickAndLoad("#save-policy")
			if p, _ := d.SLAPolicy(ctx, b.admin, vip.ID); p.Description != "Tickets of our VIPs" || len(p.Metrics) != 3 || p.Position != vip.Position {
				t.Fatalf("after the edit: %+v", p)
			}

			// VIP tickets must take the VIP targets: move it first, then delete it.
			br.clickAndLoad(fmt.Sprintf(`form[action="/admin/slas/%d/move"] button[value=up]`, vip.ID))
			if all := policies(); all[0].ID != vip.ID {
				t.Fatalf("after moving up, the order is %+v", all)
			}
			br.screenshot(fmt.Sprintf("sla-policy-editor-%d", width))
			br.clickAndLoad(fmt.Sprintf(`form[action="/admin/slas/%d/delete"] button`, vip.ID))
			if all := policies(); len(all) != 1 || all[0].Title != "Everything else" {
				t.Fatalf("after delete: %+v", all)
			}
		})
	}
}

func whenOf(c model.Conditions) string {
	var parts []string
	for _, cd := range c.All {
		parts = append(parts, cd.Field+" "+cd.Operator+" "+cd.Value)
	}
	return strings.Join(parts, "; ")
}

// TestBrowserScheduleEditor, at 1280 and 390 px: an admin creates a schedule
// with weekday hours and a holiday; a day's hours desk refuses and an unknown
// time zone are shown next to their fields and nothing is stored.
func TestBrowserScheduleEditor(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			br.open("/admin/slas")
			br.clickAndLoad("#new-schedule")
			br.fill("name", "Berlin office")
			br.fill("time_zone", "Europe/Berlinn")
			br.fill("day_1", "08:00-12:00, 13:00-17:00")
			br.fill("day_5", "17:00-09:00") // ends before it starts
			br.fill("holiday_name_0", "Christmas")
			br.fill("holiday_start_0", "2026-12-24")
			br.fill("holiday_end_0", "2026-12-26")
			br.clickAndLoad("#save-schedule")
			if msg := br.text("#zone-error"); !strings.Contains(msg, "not a known time zone") {
				t.Fatalf("an unknown zone: the form says %q", msg)
			}
			if msg := br.text("#hours .rule-row.invalid"); !strings.Contains(msg, "Friday") || !strings.Contains(msg, "start < end") {
				t.Fatalf("Friday's hours: the form says %q", msg)
			}
			if all, _ := d.Schedules(ctx, b.admin); len(all) != 0 {
				t.Fatalf("a refused schedule was stored: %+v", all)
			}
			if v := eval[string](br, `document.getElementById("holiday_name_0").value`); v != "Christmas" {
				t.Fatalf("the refused form lost the holiday: %q", v)
			}
			br.checkPage(fmt.Sprintf("refused schedule form at %d px", width))
			br.fill("time_zone", "Europe/Berlin")
			br.fill("day_5", "09:00-15:00")
			br.clickAndLoad("#save-schedule")
			all, err := d.Schedules(ctx, b.admin)
			if err != nil || len(all) != 1 {
				t.Fatalf("schedules %+v, %v", all, err)
			}
			sc := all[0]
			mon, fri := 1440, 5*1440
			want := []model.ScheduleInterval{{StartTime: mon + 480, EndTime: mon + 720}, {StartTime: mon + 780, EndTime: mon + 1020},
				{StartTime: 2*1440 + 540, EndTime: 2*1440 + 1020}, {StartTime: 3*1440 + 540, EndTime: 3*1440 + 1020},
				{StartTime: 4*1440 + 540, EndTime: 4*1440 + 1020}, {StartTime: fri + 540, EndTime: fri + 900}}
			if sc.Name != "Berlin office" || sc.TimeZone != "Europe/Berlin" || fmt.Sprint(sc.Intervals) != fmt.Sprint(want) {
				t.Fatalf("stored %+v, want intervals %v", sc, want)
			}
			if len(sc.Holidays) != 1 || sc.Holidays[0].Name != "Christmas" || sc.Holidays[0].EndDate != "2026-12-26" {
				t.Fatalf("stored holidays %+v", sc.Holidays)
			}
			if got := br.text("#schedules tbody"); !strings.Contains(got, "Christmas (2026-12-24 to 2026-12-26)") {
				t.Fatalf("the list shows %q", got)
			}
			br.checkPage(fmt.Sprintf("SLA list with a schedule at %d px", width))

			// Editing keeps the holiday (same id) and shows the hours as stored.
			br.open(fmt.Sprintf("/admin/schedules/%d", sc.ID))
			if v := eval[string](br, `document.getElementById("day_1").value`); v != "08:00-12:00, 13:00-17:00" {
				t.Fatalf("Monday shows %q", v)
			}
			br.fill("holiday_name_1", "New Year")
			br.fill("holiday_start_1", "2027-01-01")
			br.clickAndLoad("#save-schedule")
			got, _ := d.Schedule(ctx, b.admin, sc.ID)
			if len(got.Holidays) != 2 || got.Holidays[0].ID != sc.Holidays[0].ID || got.Holidays[1].EndDate != "2027-01-01" {
				t.Fatalf("after the edit: %+v", got.Holidays)
			}
			br.screenshot(fmt.Sprintf("schedule-editor-%d", width))
			br.clickAndLoad(fmt.Sprintf(`form[action="/admin/schedules/%d/delete"] button`, sc.ID))
			if all, _ := d.Schedules(ctx, b.admin); len(all) != 0 {
				t.Fatalf("after delete: %+v", all)
			}
		})
	}
}

// TestSLAEditorAgentForbidden: an agent gets 403 for the SLA pages, and
// forged posts (create, edit, move, delete a policy or schedule) change nothing.
func TestSLAEditorAgentForbidden(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	p, err := d.SaveSLAPolicy(ctx, b.admin, model.SLAPolicy{Title: "All",
		Metrics: []model.SLAMetric{{Priority: "normal", Metric: model.MetricFirstReply, Target: 60}}})
	if err != nil {
		t.Fatal(err)
	}
	q, err := d.SaveSLAPolicy(ctx, b.admin, model.SLAPolicy{Title: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := d.SaveSchedule(ctx, b.admin, model.Schedule{Name: "Office", TimeZone: "UTC",
		Intervals: []model.ScheduleInterval{{StartTime: 1440 + 540, EndTime: 1440 + 1020}}})
	if err != nil {
		t.Fatal(err)
	}
	viewAgent(t, b, "Ann Agent", "ann.agent@example.com")
	agent := b.client(t)
	agent.login("ann.agent@example.com")
	for _, path := range []string{"/admin/slas", "/admin/slas/new", fmt.Sprintf("/admin/slas/%d", p.ID), "/admin/schedules/new",
		fmt.Sprintf("/admin/schedules/%d", sc.ID)} {
		if status, _ := agent.get(path); status != http.StatusForbidden {
			t.Errorf("agent GET %s: status %d, want 403", path, status)
		}
	}
	evil := url.Values{"title": {"Hijacked"}, "t_first_reply_time_normal": {"1"}, "name": {"Hijacked"}, "time_zone": {"UTC"}, "dir": {"down"}}
	for _, path := range []string{"/admin/slas", fmt.Sprintf("/admin/slas/%d", p.ID), fmt.Sprintf("/admin/slas/%d/move", p.ID),
		fmt.Sprintf("/admin/slas/%d/delete", p.ID), "/admin/schedules", fmt.Sprintf("/admin/schedules/%d", sc.ID),
		fmt.Sprintf("/admin/schedules/%d/delete", sc.ID)} {
		if status, _, _ := agent.post(path, evil); status != http.StatusForbidden {
			t.Errorf("agent POST %s: status %d, want 403", path, status)
		}
	}
	all, _ := d.SLAPolicies(ctx, b.admin)
	if len(all) != 2 || all[0].ID != p.ID || all[0].Title != "All" || all[0].Metrics[0].Target != 60 || all[1].ID != q.ID {
		t.Fatalf("after the agent's posts the policies are %+v", all)
	}
	if got, err := d.Schedules(ctx, b.admin); err != nil || len(got) != 1 || got[0].Name != "Office" {
		t.Fatalf("after the agent's posts the schedules are %+v, %v", got, err)
	}
	// desk refuses them too, whatever the handler: the API and any other caller share it.
	agentUser, _ := b.env.Instance.DB.Read().UserByEmail(ctx, "ann.agent@example.com")
	if err := d.ReorderSLAPolicies(ctx, agentUser, []int64{q.ID, p.ID}); err == nil {
		t.Fatal("desk let an agent reorder the SLA policies")
	}
}

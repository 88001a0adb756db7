package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestClientSLAPausableMetrics: go-zendesk's requester_wait_time and
// agent_work_time metrics are accepted and give a new ticket running targets
// that pause when it goes pending; a metric twindesk does not compute
// (total_resolution_time) is a 422, and the refused policy is not stored.
func TestClientSLAPausableMetrics(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		p := zendesk.SLAPolicy{Title: "Waits", PolicyMetrics: []zendesk.SLAPolicyMetric{
			{Priority: "urgent", Metric: zendesk.RequesterWaitTimeMetric, Target: 240},
			{Priority: "urgent", Metric: zendesk.AgentWorkTimeMetric, Target: 120, BusinessHours: true},
		}}
		p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
		created, err := c.CreateSLAPolicy(ctx, p)
		require.NoError(t, err)
		require.Equal(t, p.PolicyMetrics, created.PolicyMetrics)

		bad := p
		bad.Title = "Updates"
		bad.PolicyMetrics = []zendesk.SLAPolicyMetric{{Priority: "urgent", Metric: "total_resolution_time", Target: 60}}
		_, err = c.CreateSLAPolicy(ctx, bad)
		requireStatus(t, err, http.StatusUnprocessableEntity)
		list, _, err := c.GetSLAPolicies(ctx, &zendesk.SLAPolicyListOptions{})
		require.NoError(t, err)
		require.Len(t, list, 1, "the refused policy was not stored")

		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Payroll run failed", Priority: "urgent",
			Comment: &zendesk.TicketComment{Body: "help"}})
		require.NoError(t, err)
		d := env.Instance.Desk
		admin := model.User{ID: env.AdminID, Role: model.RoleAdmin}
		targets, err := d.TicketSLA(ctx, admin, tk.ID)
		require.NoError(t, err)
		require.Len(t, targets, 2)
		for _, tg := range targets {
			require.False(t, tg.Paused, tg.Metric)
		}
		require.Equal(t, model.MetricRequesterWait, targets[1].Metric)
		require.WithinDuration(t, tk.CreatedAt.Add(4*time.Hour), targets[1].BreachAt, time.Second)

		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Status: "pending"})
		require.NoError(t, err)
		targets, err = d.TicketSLA(ctx, admin, tk.ID)
		require.NoError(t, err)
		for _, tg := range targets {
			require.True(t, tg.Paused, tg.Metric)
			require.True(t, tg.BreachAt.IsZero(), tg.Metric)
		}
		require.InDelta(t, 4*time.Hour, targets[1].Left, float64(time.Minute))
	})
}

// TestTicketMetricsBusinessMinutes: with a business-hours schedule (here one
// hour a day, Monday to Friday 09:00-10:00 UTC), the ticket metrics' business
// minutes count only open hours, read with go-zendesk.
func TestTicketMetricsBusinessMinutes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := t.Context()
		var week []map[string]int
		for day := 1; day <= 5; day++ {
			week = append(week, map[string]int{"start_time": day*1440 + 9*60, "end_time": day*1440 + 10*60})
		}
		res := env.Do(t, "POST", "/api/v2/business_hours/schedules.json", map[string]any{"schedule": map[string]any{
			"name": "Short", "time_zone": "UTC", "intervals": week}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

		agent, _ := env.CreateAgent(t, "Ann Agent", "ann@example.com")
		req, _ := env.CreateEndUser(t, "Rita Requester", "rita@example.com")
		t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC) // a Monday
		at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
		yes := true
		change := func(field, from, to string) model.AuditEvent {
			return model.AuditEvent{Type: "Change", FieldName: field, Value: to, PreviousValue: from}
		}
		entry := func(min int, author int64, ev ...model.AuditEvent) store.BulkEntry {
			return store.BulkEntry{Audit: model.Audit{AuthorID: author, Via: "api", CreatedAt: at(min), Events: ev}}
		}
		bts := []store.BulkTicket{{Ticket: model.Ticket{Subject: "VPN", Description: "c", Status: model.StatusSolved,
			RequesterID: req, SubmitterID: req, AssigneeID: agent, Via: "api", CreatedAt: t0, UpdatedAt: at(210)},
			Entries: []store.BulkEntry{
				entry(0, req, model.AuditEvent{Type: "Create", FieldName: "status", Value: "new"}),
				entry(30, agent, change("status", "new", "open"),
					model.AuditEvent{Type: "Comment", Body: "c", Public: &yes, AuthorID: agent}),
				entry(90, agent, change("status", "open", "pending")), // 10:30
				entry(180, req, change("status", "pending", "open")),  // 12:00
				entry(210, agent, change("status", "open", "solved")), // 12:30
			}}}
		require.NoError(t, env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, bts) }))

		m, err := env.AdminClient().GetTicketMetricByTicket(ctx, bts[0].Ticket.ID)
		require.NoError(t, err)
		require.Equal(t, zendesk.TimeDuration{Calendar: 30, Business: 30}, m.ReplyTimeInMinutes)
		require.Equal(t, zendesk.TimeDuration{Calendar: 120, Business: 60}, m.RequesterWaitTimeInMinutes,
			"new and open 09:00-10:30 and 12:00-12:30; open hours only until 10:00")
		require.Equal(t, zendesk.TimeDuration{Calendar: 90, Business: 0}, m.AgentWaitTimeInMinutes, "pending after hours")
		require.Equal(t, zendesk.TimeDuration{Calendar: 210, Business: 60}, m.FullResolutionTimeInMinutes)
		res = env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/metrics.json", bts[0].Ticket.ID), nil)
		require.Contains(t, string(res.Body), `"first_resolution_time_in_minutes":{"calendar":210,"business":60}`)
	})
}

// TestViewSLACondition: a view made through the API with the condition
// "hours_until_next_sla_breach less_than 2" lists, through go-zendesk, the
// ticket whose first reply is due within the hour and not the one without a
// target, on both databases.
func TestViewSLACondition(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		p := zendesk.SLAPolicy{Title: "Urgent", PolicyMetrics: []zendesk.SLAPolicyMetric{
			{Priority: "urgent", Metric: zendesk.FirstReplyTimeMetric, Target: 60}}}
		p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
		_, err := c.CreateSLAPolicy(ctx, p)
		require.NoError(t, err)
		mk := func(priority string) int64 {
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: priority, Priority: priority,
				Comment: &zendesk.TicketComment{Body: "help"}})
			require.NoError(t, err)
			return tk.ID
		}
		urgent := mk("urgent")
		mk("low")
		res := env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Breaching soon",
			"all": []map[string]string{{"field": "hours_until_next_sla_breach", "operator": "less_than", "value": "2"}}}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var v struct {
			View struct {
				ID int64 `json:"id"`
			} `json:"view"`
		}
		res.Decode(t, &v)
		got, _, err := c.GetTicketsFromView(ctx, v.View.ID, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, urgent, got[0].ID)

		res = env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Bad",
			"all": []map[string]string{{"field": "hours_until_next_sla_breach", "operator": "less_than", "value": "-1"}}}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	})
}

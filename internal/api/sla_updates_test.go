package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestClientSLAUpdateMetrics: go-zendesk's periodic_update_time and
// pausable_update_time metrics are accepted and give a new ticket running
// targets, which a view's "hours_until_next_sla_breach" condition reads; an
// agent's public reply starts both again, pending pauses the pausable one
// only; the metric events export names both. On both databases.
func TestClientSLAUpdateMetrics(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		p := zendesk.SLAPolicy{Title: "Updates", PolicyMetrics: []zendesk.SLAPolicyMetric{
			{Priority: "urgent", Metric: zendesk.PeriodicUpdateTimeMetric, Target: 60},
			{Priority: "urgent", Metric: zendesk.PausableUpdateTimeMetric, Target: 240, BusinessHours: true},
		}}
		p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
		created, err := c.CreateSLAPolicy(ctx, p)
		require.NoError(t, err)
		require.Equal(t, p.PolicyMetrics, created.PolicyMetrics)

		reqID, _ := env.CreateEndUser(t, "Rita", "rita@example.com")
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Payroll export stuck", Priority: "urgent", RequesterID: reqID,
			Comment: &zendesk.TicketComment{Body: "help"}})
		require.NoError(t, err)
		other, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Low", Priority: "low",
			Comment: &zendesk.TicketComment{Body: "whenever"}})
		require.NoError(t, err)
		d := env.Instance.Desk
		admin := model.User{ID: env.AdminID, Role: model.RoleAdmin}
		targets := func() map[string]model.SLATarget {
			t.Helper()
			list, err := d.TicketSLA(ctx, admin, tk.ID)
			require.NoError(t, err)
			out := map[string]model.SLATarget{}
			for _, tg := range list {
				out[tg.Metric] = tg
			}
			require.Len(t, out, 2)
			return out
		}
		first := targets()
		periodic := first[model.MetricPeriodicUpdate]
		require.False(t, periodic.Paused)
		require.WithinDuration(t, tk.CreatedAt.Add(time.Hour), periodic.BreachAt, time.Second)

		res := env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Update due",
			"all": []map[string]string{{"field": "hours_until_next_sla_breach", "operator": "less_than", "value": "2"}}}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var v struct {
			View struct {
				ID int64 `json:"id"`
			} `json:"view"`
		}
		res.Decode(t, &v)
		listed, _, err := c.GetTicketsFromView(ctx, v.View.ID, nil)
		require.NoError(t, err)
		require.Len(t, listed, 1, "the urgent ticket's update is due within the hour; ticket %d has no target", other.ID)
		require.Equal(t, tk.ID, listed[0].ID)

		time.Sleep(1100 * time.Millisecond) // so the reply's time differs from the creation's
		public := true
		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "working on it", Public: &public}})
		require.NoError(t, err)
		after := targets()
		for _, m := range []string{model.MetricPeriodicUpdate, model.MetricPausableUpdate} {
			require.True(t, after[m].StartedAt.After(first[m].StartedAt), "%s: the reply starts the next update", m)
			require.True(t, after[m].FulfilledAt.IsZero(), m)
		}

		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Status: "pending"})
		require.NoError(t, err)
		pending := targets()
		require.False(t, pending[model.MetricPeriodicUpdate].Paused, "periodic update never pauses")
		require.True(t, pending[model.MetricPausableUpdate].Paused, "pausable update pauses while pending")

		// The metric events export carries both targets as apply_sla events.
		require.Eventually(t, func() bool {
			res := env.Do(t, "GET", "/api/v2/incremental/ticket_metric_events.json?start_time=0", nil)
			var page struct {
				Events []metricEventJSON `json:"ticket_metric_events"`
			}
			res.Decode(t, &page)
			applied := map[string]bool{}
			for _, e := range page.Events {
				if e.TicketID == tk.ID && e.Type == "apply_sla" {
					applied[e.Metric] = true
				}
			}
			return applied[model.MetricPeriodicUpdate] && applied[model.MetricPausableUpdate]
		}, 5*time.Second, 200*time.Millisecond)
	})
}

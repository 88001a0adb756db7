package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestClientSLAPolicies drives /api/v2/slas/policies with go-zendesk, then
// follows one ticket's targets: first reply from creation, met by the agent's
// public reply; next reply from the requester's comment; and an automation
// that acts on hours_until_next_sla_breach.
func TestClientSLAPolicies(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		p := zendesk.SLAPolicy{Title: "High first", PolicyMetrics: []zendesk.SLAPolicyMetric{
			{Priority: "high", Metric: zendesk.FirstReplyTimeMetric, Target: 60},
			{Priority: "high", Metric: zendesk.NextReplyTimeMetric, Target: 30},
		}}
		p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
		created, err := c.CreateSLAPolicy(ctx, p)
		require.NoError(t, err)
		require.NotZero(t, created.ID)
		require.Len(t, created.PolicyMetrics, 2)
		list, _, err := c.GetSLAPolicies(ctx, &zendesk.SLAPolicyListOptions{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		created.Title = "High priority"
		updated, err := c.UpdateSLAPolicy(ctx, created.ID, created)
		require.NoError(t, err)
		require.Equal(t, "High priority", updated.Title)

		bad := p
		bad.PolicyMetrics = []zendesk.SLAPolicyMetric{{Priority: "high", Metric: "first_reply_time", Target: -5}}
		_, err = c.CreateSLAPolicy(ctx, bad)
		requireStatus(t, err, http.StatusUnprocessableEntity)
		_, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		_, err = env.Client("ada@example.com", agentToken).CreateSLAPolicy(ctx, p)
		requireStatus(t, err, http.StatusForbidden)

		reqID, reqToken := env.CreateEndUser(t, "Rita", "rita@example.com")
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "VPN down", Priority: "high", RequesterID: reqID,
			Comment: &zendesk.TicketComment{Body: "help"}})
		require.NoError(t, err)
		d := env.Instance.Desk
		admin := model.User{ID: env.AdminID, Role: model.RoleAdmin}
		targets, err := d.TicketSLA(ctx, admin, tk.ID)
		require.NoError(t, err)
		require.Len(t, targets, 1, "first reply only, until the requester writes again")
		require.Equal(t, model.MetricFirstReply, targets[0].Metric)
		require.WithinDuration(t, tk.CreatedAt.Add(time.Hour), targets[0].BreachAt, time.Second)

		public := true
		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "on it", Public: &public}})
		require.NoError(t, err)
		_, err = env.Client("rita@example.com", reqToken).UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "still down"}})
		require.NoError(t, err)
		targets, err = d.TicketSLA(ctx, admin, tk.ID)
		require.NoError(t, err)
		require.Len(t, targets, 2)
		require.False(t, targets[0].FulfilledAt.IsZero(), "the agent's public reply met first reply time")
		require.Equal(t, model.MetricNextReply, targets[1].Metric)
		require.True(t, targets[1].FulfilledAt.IsZero())
		next, ok, err := d.NextBreach(ctx, admin, tk.ID)
		require.NoError(t, err)
		require.True(t, ok)
		require.WithinDuration(t, time.Now().Add(30*time.Minute), next.BreachAt, time.Minute)

		// An automation that acts before the breach.
		a := newAutomation("SLA soon", []zendesk.AutomationCondition{
			autoCond("hours_until_next_sla_breach", "less_than", "1"),
			autoCond("current_tags", "not_includes", "sla_soon"),
		}, zendesk.AutomationAction{Field: "current_tags", Value: "sla_soon"})
		_, err = c.CreateAutomation(ctx, a)
		require.NoError(t, err)
		st, err := d.RunAutomations(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, st.Updated)
		got, err := c.GetTicket(ctx, tk.ID)
		require.NoError(t, err)
		require.Contains(t, got.Tags, "sla_soon")

		require.NoError(t, c.DeleteSLAPolicy(ctx, created.ID))
		_, err = c.GetSLAPolicy(ctx, created.ID)
		requireStatus(t, err, http.StatusNotFound)
	})
}

// TestSchedulesAPI covers /api/v2/business_hours/schedules, the workweek and holidays.
func TestSchedulesAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		var out struct {
			Schedule struct {
				ID        int64                    `json:"id"`
				TimeZone  string                   `json:"time_zone"`
				Intervals []model.ScheduleInterval `json:"intervals"`
			} `json:"schedule"`
		}
		res := env.Do(t, "POST", "/api/v2/business_hours/schedules.json",
			map[string]any{"schedule": map[string]any{"name": "Berlin", "time_zone": "Europe/Berlin"}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		res.Decode(t, &out)
		require.Len(t, out.Schedule.Intervals, 5, "Monday to Friday by default")
		base := "/api/v2/business_hours/schedules/" + strconv.FormatInt(out.Schedule.ID, 10)

		res = env.Do(t, "POST", "/api/v2/business_hours/schedules.json",
			map[string]any{"schedule": map[string]any{"name": "Nowhere", "time_zone": "Mars/Olympus"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status)
		res = env.Do(t, "PUT", base+"/workweek.json", map[string]any{"workweek": map[string]any{
			"intervals": []map[string]int{{"start_time": 600, "end_time": 500}}}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status)
		res = env.Do(t, "PUT", base+"/workweek.json", map[string]any{"workweek": map[string]any{
			"intervals": []map[string]int{{"start_time": 1980, "end_time": 2460}}}})
		require.Equal(t, http.StatusOK, res.Status)

		res = env.Do(t, "POST", base+"/holidays.json", map[string]any{"holiday": map[string]any{
			"name": "Christmas", "start_date": "2026-12-24", "end_date": "2026-12-26"}})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var h struct {
			Holiday model.Holiday `json:"holiday"`
		}
		res.Decode(t, &h)
		require.NotZero(t, h.Holiday.ID)
		var hs struct {
			Holidays []model.Holiday `json:"holidays"`
		}
		env.Do(t, "GET", base+"/holidays.json", nil).Decode(t, &hs)
		require.Len(t, hs.Holidays, 1)
		require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", base+"/holidays/"+strconv.FormatInt(h.Holiday.ID, 10)+".json", nil).Status)

		_, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		res = env.Do(t, "DELETE", base+".json", nil, apitest.As("ada@example.com", agentToken))
		require.Equal(t, http.StatusForbidden, res.Status)
		env.Do(t, "GET", base+".json", nil).Decode(t, &out)
		require.Equal(t, []model.ScheduleInterval{{StartTime: 1980, EndTime: 2460}}, out.Schedule.Intervals, "the refused requests changed nothing")
	})
}

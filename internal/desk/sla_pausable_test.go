package desk_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestSLAPausableMetrics follows one ticket through new, pending, open, on
// hold, open, solved and reopened on a clock the test sets. Requester wait
// time (2 h, calendar) runs in new, open and on hold; agent work time (1 h,
// business hours Monday to Friday 09:00-17:00 UTC) in new and open only. Each
// pause keeps what was left; each resume sets a new due time from it.
func TestSLAPausableMetrics(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday
	at := func(d time.Duration) { now.Store(mon.Add(d).UnixMicro()) }
	at(0)
	d, _, admin := openDesk(t, desk.WithClock(func() time.Time { return time.UnixMicro(now.Load()) }))
	ctx := context.Background()
	var week []model.ScheduleInterval
	for day := 1; day <= 5; day++ {
		week = append(week, model.ScheduleInterval{StartTime: day*1440 + 9*60, EndTime: day*1440 + 17*60})
	}
	_, err := d.SaveSchedule(ctx, admin, model.Schedule{Name: "Office", TimeZone: "UTC", Intervals: week})
	require.NoError(t, err)
	_, err = d.SaveSLAPolicy(ctx, admin, model.SLAPolicy{Title: "High", Metrics: []model.SLAMetric{
		{Priority: "high", Metric: model.MetricRequesterWait, Target: 120},
		{Priority: "high", Metric: model.MetricAgentWork, Target: 60, BusinessHours: true}}})
	require.NoError(t, err)

	subject, high := "VPN down", "high"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Priority: &high,
		Comment: &desk.CommentInput{Body: "help"}, Requester: &desk.RequesterInput{Email: "r@example.com"}}, "")
	require.NoError(t, err)
	id := res.Ticket.ID
	type state struct {
		due              time.Time
		paused           bool
		left             time.Duration
		met, breachedNow bool
	}
	check := func(step string, wantRW, wantAW state) {
		t.Helper()
		targets, err := d.TicketSLA(ctx, admin, id)
		require.NoError(t, err)
		require.Len(t, targets, 2, step)
		got := map[string]state{}
		for _, tg := range targets {
			got[tg.Metric] = state{due: tg.BreachAt, paused: tg.Paused, left: tg.Left, met: !tg.FulfilledAt.IsZero(),
				breachedNow: tg.Breached(time.UnixMicro(now.Load()))}
		}
		require.Equal(t, wantRW, got[model.MetricRequesterWait], "%s: requester wait", step)
		require.Equal(t, wantAW, got[model.MetricAgentWork], "%s: agent work", step)
	}
	set := func(d0 time.Duration, status string) {
		t.Helper()
		at(d0)
		_, err := d.UpdateTicket(ctx, admin, id, desk.TicketInput{Status: &status})
		require.NoError(t, err)
	}
	check("new", state{due: mon.Add(2 * time.Hour)}, state{due: mon.Add(time.Hour)})
	set(30*time.Minute, "pending") // both stop with 90 and 30 minutes left
	check("pending", state{paused: true, left: 90 * time.Minute}, state{paused: true, left: 30 * time.Minute})
	// Only a running target can be the next breach, which automations' "hours
	// until next SLA breach" reads.
	_, ok, err := d.NextBreach(ctx, admin, id)
	require.NoError(t, err)
	require.False(t, ok, "a paused target is never the next breach")
	set(5*time.Hour, "open") // 14:00
	check("open", state{due: mon.Add(6*time.Hour + 30*time.Minute)}, state{due: mon.Add(5*time.Hour + 30*time.Minute)})
	set(5*time.Hour+15*time.Minute, "hold") // the requester still waits; the agents do not work
	check("hold", state{due: mon.Add(6*time.Hour + 30*time.Minute)}, state{paused: true, left: 15 * time.Minute})
	set(7*time.Hour+50*time.Minute, "open") // 16:50: ten business minutes today, five tomorrow
	check("open late", state{due: mon.Add(6*time.Hour + 30*time.Minute), breachedNow: true},
		state{due: mon.Add(24*time.Hour + 5*time.Minute)})
	set(7*time.Hour+55*time.Minute, "solved") // 16:55: ten business minutes left
	check("solved", state{due: mon.Add(6*time.Hour + 30*time.Minute), paused: true, met: true, breachedNow: true},
		state{paused: true, left: 10 * time.Minute, met: true})
	set(24*time.Hour, "open") // reopened Tuesday 09:00: takes up where it stood
	check("reopened", state{due: mon.Add(6*time.Hour + 30*time.Minute), breachedNow: true},
		state{due: mon.Add(24*time.Hour + 10*time.Minute)})

}

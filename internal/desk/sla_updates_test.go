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

// TestSLAUpdateMetrics follows one ticket on a clock the test sets: periodic
// update time (1 h) and pausable update time (2 h, calendar) each ask for the
// next public agent comment. A public agent comment meets the running
// instance and starts the next at once; an internal note or the requester's
// comment does not; pending stops the pausable one only; solving meets both
// and reopening starts new ones.
func TestSLAUpdateMetrics(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) { now.Store(mon.Add(d).UnixMicro()) }
	at(0)
	d, _, admin := openDesk(t, desk.WithClock(func() time.Time { return time.UnixMicro(now.Load()) }))
	ctx := context.Background()
	_, err := d.SaveSLAPolicy(ctx, admin, model.SLAPolicy{Title: "Updates", Metrics: []model.SLAMetric{
		{Priority: "high", Metric: model.MetricPeriodicUpdate, Target: 60},
		{Priority: "high", Metric: model.MetricPausableUpdate, Target: 120}}})
	require.NoError(t, err)

	subject, high := "Printer on fire", "high"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Priority: &high,
		Comment: &desk.CommentInput{Body: "help"}, Requester: &desk.RequesterInput{Email: "r@example.com"}}, "")
	require.NoError(t, err)
	id := res.Ticket.ID
	requester := model.User{ID: res.Ticket.RequesterID, Role: model.RoleEndUser}

	type state struct {
		started, due time.Time
		paused       bool
		left         time.Duration
		met          bool
	}
	check := func(step string, wantPeriodic, wantPausable state) {
		t.Helper()
		targets, err := d.TicketSLA(ctx, admin, id)
		require.NoError(t, err)
		got := map[string]state{}
		for _, tg := range targets {
			got[tg.Metric] = state{started: tg.StartedAt, due: tg.BreachAt, paused: tg.Paused, left: tg.Left, met: !tg.FulfilledAt.IsZero()}
		}
		require.Len(t, got, 2, step)
		require.Equal(t, wantPeriodic, got[model.MetricPeriodicUpdate], "%s: periodic update", step)
		require.Equal(t, wantPausable, got[model.MetricPausableUpdate], "%s: pausable update", step)
	}
	update := func(d0 time.Duration, actor model.User, in desk.TicketInput) {
		t.Helper()
		at(d0)
		_, err := d.UpdateTicket(ctx, actor, id, in)
		require.NoError(t, err)
	}
	comment := func(body string, public bool) desk.TicketInput {
		return desk.TicketInput{Comment: &desk.CommentInput{Body: body, Public: &public}}
	}
	status := func(s string) desk.TicketInput { return desk.TicketInput{Status: &s} }
	m := func(d0 time.Duration) time.Time { return mon.Add(d0) }

	check("created", state{started: m(0), due: m(time.Hour)}, state{started: m(0), due: m(2 * time.Hour)})
	update(20*time.Minute, admin, comment("looking", false)) // an internal note is no update
	check("note", state{started: m(0), due: m(time.Hour)}, state{started: m(0), due: m(2 * time.Hour)})
	update(30*time.Minute, admin, comment("on it", true)) // the update: both start again
	check("reply", state{started: m(30 * time.Minute), due: m(90 * time.Minute)},
		state{started: m(30 * time.Minute), due: m(150 * time.Minute)})
	update(40*time.Minute, requester, comment("any news?", true)) // the requester's comment is no update
	check("requester", state{started: m(30 * time.Minute), due: m(90 * time.Minute)},
		state{started: m(30 * time.Minute), due: m(150 * time.Minute)})
	update(50*time.Minute, admin, status("pending")) // pausable stops with 100 minutes left
	check("pending", state{started: m(30 * time.Minute), due: m(90 * time.Minute)},
		state{started: m(30 * time.Minute), paused: true, left: 100 * time.Minute})
	update(2*time.Hour, admin, status("open")) // resumes at 11:00; periodic breached at 10:30
	check("open", state{started: m(30 * time.Minute), due: m(90 * time.Minute)},
		state{started: m(30 * time.Minute), due: m(220 * time.Minute)})
	update(130*time.Minute, admin, status("solved"))
	check("solved", state{started: m(30 * time.Minute), due: m(90 * time.Minute), met: true},
		state{started: m(30 * time.Minute), due: m(220 * time.Minute), met: true})
	update(3*time.Hour, admin, status("open")) // reopened: the requester waits for news again
	check("reopened", state{started: m(3 * time.Hour), due: m(4 * time.Hour)},
		state{started: m(3 * time.Hour), due: m(5 * time.Hour)})
}

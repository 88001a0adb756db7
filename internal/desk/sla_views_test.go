package desk_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestViewHoursUntilNextBreach: a view's "hours_until_next_sla_breach"
// counts whole hours to each ticket's next running target, as the automation
// condition does; a ticket without targets, or whose only target is paused,
// never matches; a bad value is a 422.
func TestViewHoursUntilNextBreach(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) { now.Store(t0.Add(d).UnixMicro()) }
	at(0)
	d, _, admin := openDesk(t, desk.WithClock(func() time.Time { return time.UnixMicro(now.Load()) }))
	ctx := context.Background()
	_, err := d.SaveSLAPolicy(ctx, admin, model.SLAPolicy{Title: "All", Metrics: []model.SLAMetric{
		{Priority: "high", Metric: model.MetricFirstReply, Target: 180},
		{Priority: "urgent", Metric: model.MetricRequesterWait, Target: 60}}})
	require.NoError(t, err)
	mk := func(priority string) int64 {
		subject := priority
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Priority: &priority,
			Comment: &desk.CommentInput{Body: "x"}, Requester: &desk.RequesterInput{Email: "r@example.com"}}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	soon := mk("high") // due 12:00
	mk("normal")       // no policy metric for normal: no target
	paused := mk("urgent")
	at(10 * time.Minute)
	pending := "pending"
	_, err = d.UpdateTicket(ctx, admin, paused, desk.TicketInput{Status: &pending})
	require.NoError(t, err)
	at(2 * time.Hour)
	later := mk("high")              // due 14:00
	at(2*time.Hour + 30*time.Minute) // 11:30: soon has 30 minutes left, later 2 h 30

	ids := func(op, hours string) []int64 {
		t.Helper()
		v, err := d.SaveTicketView(ctx, admin, model.View{Title: op + hours, Active: true, Conditions: model.Conditions{
			All: []model.Condition{{Field: "hours_until_next_sla_breach", Operator: op, Value: hours}}}})
		require.NoError(t, err)
		page, err := d.RunTicketView(ctx, admin, v.ID, &store.ViewSort{By: "id"}, 100, 0)
		require.NoError(t, err)
		out := []int64{}
		for _, tk := range page.Tickets {
			out = append(out, tk.ID)
		}
		return out
	}
	require.Equal(t, []int64{soon}, ids("less_than", "1"))
	require.Equal(t, []int64{later}, ids("is", "2"))
	require.Equal(t, []int64{later}, ids("greater_than", "1"))
	require.Equal(t, []int64{soon, later}, ids("less_than", "5"), "neither the ticket without targets nor the paused one")

	_, err = d.SaveTicketView(ctx, admin, model.View{Title: "bad", Active: true, Conditions: model.Conditions{
		All: []model.Condition{{Field: "hours_until_next_sla_breach", Operator: "less_than", Value: "soon"}}}})
	var invalid *model.ValidationError
	require.ErrorAs(t, err, &invalid, fmt.Sprint(err))
}

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

// TestSLAMetricEvents follows two tickets on a clock the test sets, under a
// policy of a 60-minute first reply for urgent tickets: the urgent one is
// answered after 2 hours, so the export has its apply_sla (reply_time,
// instance 1, at creation, with the policy's target) and a breach at the
// target's due time, carried by the late reply's audit; the normal one has no
// target and no SLA events. End users and agents can't export.
func TestSLAMetricEvents(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) { now.Store(t0.Add(d).UnixMicro()) }
	at(0)
	d, db, admin := openDesk(t, desk.WithClock(func() time.Time { return time.UnixMicro(now.Load()) }))
	ctx := context.Background()
	policy, err := d.SaveSLAPolicy(ctx, admin, model.SLAPolicy{Title: "Urgent first", Description: "Answer fast",
		Metrics: []model.SLAMetric{{Priority: "urgent", Metric: model.MetricFirstReply, Target: 60}}})
	require.NoError(t, err)
	mk := func(priority string) int64 {
		subject := "Printer " + priority
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Priority: &priority,
			Comment: &desk.CommentInput{Body: "help"}, Requester: &desk.RequesterInput{Email: "r@example.com"}}, "")
		require.NoError(t, err)
		return res.Ticket.ID
	}
	urgent, normal := mk("urgent"), mk("normal")
	at(2 * time.Hour)
	public := true
	for _, id := range []int64{urgent, normal} {
		_, err = d.UpdateTicket(ctx, admin, id, desk.TicketInput{Comment: &desk.CommentInput{Body: "on it", Public: &public}})
		require.NoError(t, err)
	}

	var audits []model.Audit
	for _, id := range []int64{urgent, normal} {
		as, err := db.Read().Audits(ctx, id, store.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, as, 2)
		audits = append(audits, as...)
	}
	events, err := d.ExportMetricEvents(ctx, admin, audits)
	require.NoError(t, err)
	var sla []string
	ids := map[int64]bool{}
	for _, e := range events {
		require.False(t, ids[e.ID], "event ids are unique")
		ids[e.ID] = true
		if e.Type != "apply_sla" && e.Type != "breach" {
			continue
		}
		require.Equal(t, urgent, e.TicketID, "only the urgent ticket has a target")
		sla = append(sla, fmt.Sprintf("%s %s %d %s", e.Type, e.Metric, e.InstanceID, e.Time.Sub(t0)))
		if e.Type == "apply_sla" {
			require.Equal(t, &desk.MetricSLA{Target: 60, PolicyID: policy.ID, PolicyTitle: "Urgent first", PolicyDescription: "Answer fast"}, e.SLA)
			require.Equal(t, audits[0].ID, e.ID/100, "apply_sla comes with the audit its target started at")
		} else {
			require.Equal(t, audits[1].ID, e.ID/100, "the breach comes with the first audit after it")
		}
	}
	require.Equal(t, []string{"apply_sla reply_time 1 0s", "breach reply_time 1 1h0m0s"}, sla)

	for _, role := range []model.Role{model.RoleAgent, model.RoleEndUser} {
		_, err := d.ExportMetricEvents(ctx, model.User{ID: admin.ID, Role: role}, audits)
		require.ErrorIs(t, err, model.ErrForbidden)
	}
}

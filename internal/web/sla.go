package web

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// slaBadge is one open SLA target shown on the ticket page: time left, or
// how long ago it was breached.
type slaBadge struct {
	Metric   string
	Text     string
	Due      time.Time
	Breached bool
	// Paused: the target's clock stands still (requester wait while the
	// ticket is pending); Text says what is left of it.
	Paused bool
}

var metricNames = map[string]string{
	model.MetricFirstReply:     "First reply",
	model.MetricNextReply:      "Next reply",
	model.MetricRequesterWait:  "Requester wait",
	model.MetricAgentWork:      "Agent work",
	model.MetricPeriodicUpdate: "Periodic update",
	model.MetricPausableUpdate: "Pausable update",
}

// slaBadges lists t's open SLA targets, soonest first.
func (s *Server) slaBadges(ctx context.Context, actor model.User, t *model.Ticket) ([]slaBadge, error) {
	targets, err := s.desk.TicketSLA(ctx, actor, t.ID)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var out []slaBadge
	for _, tg := range targets {
		if !tg.FulfilledAt.IsZero() {
			continue
		}
		out = append(out, badgeFor(tg, now))
	}
	// Running targets by due time, then the paused ones.
	slices.SortStableFunc(out, func(a, b slaBadge) int {
		switch {
		case a.Paused && !b.Paused:
			return 1
		case b.Paused && !a.Paused:
			return -1
		}
		return a.Due.Compare(b.Due)
	})
	return out, nil
}

// badgeFor words one open target at now.
func badgeFor(tg model.SLATarget, now time.Time) slaBadge {
	b := slaBadge{Metric: tg.Metric, Due: tg.BreachAt}
	name := metricNames[tg.Metric]
	if tg.Paused && tg.BreachAt.IsZero() {
		b.Text, b.Paused = fmt.Sprintf("%s: %s left, paused", name, shortDuration(tg.Left)), true
		return b
	}
	if left := tg.BreachAt.Sub(now); left > 0 {
		b.Text = fmt.Sprintf("%s: %s left", name, shortDuration(left))
	} else {
		b.Text, b.Breached = fmt.Sprintf("%s: breached %s ago", name, shortDuration(-left)), true
	}
	return b
}

// addRowSLA puts each listed ticket's next SLA target on its row.
func (s *Server) addRowSLA(ctx context.Context, actor model.User, rows []ticketRow) error {
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	next, err := s.desk.NextBreaches(ctx, actor, ids)
	if err != nil {
		return err
	}
	now := time.Now()
	for i := range rows {
		if tg, ok := next[rows[i].ID]; ok {
			b := badgeFor(tg, now)
			rows[i].SLA = &b
		}
	}
	return nil
}

// shortDuration writes d as "2d 3h", "1h 5m" or "7m" (at least "1m").
func shortDuration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m >= 24*60:
		return fmt.Sprintf("%dd %dh", m/(24*60), m%(24*60)/60)
	case m >= 60:
		return fmt.Sprintf("%dh %dm", m/60, m%60)
	}
	return fmt.Sprintf("%dm", max(m, 1))
}

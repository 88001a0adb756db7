package desk

import (
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// The update metrics, as Zendesk's: periodic update time is the time between
// public comments from agents, and pausable update time the same counted only
// while the ticket is not pending (the agents wait for the requester). Each
// public agent comment meets the instance that runs and starts the next one
// at once, so a target always asks for the next update; the first instance
// runs from when the policy applies (creation, for most tickets). Solving the
// ticket meets the one that runs; reopening it starts a new one, as the
// requester waits for news again. ticket_sla keeps the current instance only.

// isUpdateMetric says whether metric is one of the two update metrics.
func isUpdateMetric(metric string) bool {
	return metric == model.MetricPeriodicUpdate || metric == model.MetricPausableUpdate
}

// update brings an update target to t at now; staffReply says the change
// carries a public comment from an agent.
func (snap *slaSnapshot) update(tg model.SLATarget, had bool, m model.SLAMetric, t *model.Ticket, staffReply bool, now time.Time) model.SLATarget {
	solved := t.Status == model.StatusSolved
	reopened := had && !tg.FulfilledAt.IsZero() && !solved
	if !had || staffReply || reopened {
		tg = model.SLATarget{TicketID: tg.TicketID, Metric: tg.Metric, PolicyID: tg.PolicyID}
		had = false
	}
	if m.Metric == model.MetricPausableUpdate {
		return snap.pausable(tg, had, m, t, now) // pauses while pending, met when solved
	}
	if !had {
		tg.StartedAt, tg.BreachAt = now, snap.due(now, m)
	}
	if solved && tg.FulfilledAt.IsZero() {
		tg.FulfilledAt = now
	}
	return tg
}

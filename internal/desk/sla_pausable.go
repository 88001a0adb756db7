package desk

import (
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Pausable SLA metrics add up the time a ticket spends in some statuses, as
// Zendesk's: requester wait time runs while the ticket is new, open or on
// hold (the requester waits for the agents or a third party) and agent work
// time while it is new or open; both stand still while it is pending (and
// agent work time on hold), and are met once it is solved. A running target
// keeps its due time in breach_at, so automations, views and the badge read
// it as any other; a paused one keeps what is left of it instead.

// pausableRuns says whether metric's clock runs while a ticket has status st;
// ok is false for metrics that do not pause.
func pausableRuns(metric string, st model.Status) (runs, ok bool) {
	switch metric {
	case model.MetricRequesterWait:
		return st == model.StatusNew || st == model.StatusOpen || st == model.StatusHold, true
	case model.MetricAgentWork:
		return st == model.StatusNew || st == model.StatusOpen, true
	case model.MetricPausableUpdate:
		return st != model.StatusPending, true
	}
	return false, false
}

// pausable brings a pausable target to t's status at now. A target new to the
// ticket starts paused with its whole time left and counts from now: time
// before the policy applied (for most tickets there is none; it applies at
// creation) does not count.
func (snap *slaSnapshot) pausable(tg model.SLATarget, had bool, m model.SLAMetric, t *model.Ticket, now time.Time) model.SLATarget {
	if !had {
		tg.StartedAt = now
		tg.Paused, tg.Left, tg.BreachAt, tg.FulfilledAt = true, time.Duration(m.Target)*time.Minute, time.Time{}, time.Time{}
	}
	runs, _ := pausableRuns(m.Metric, t.Status)
	switch {
	case runs && tg.Paused:
		if tg.Left > 0 {
			tg.BreachAt = snap.addTime(now, tg.Left, m.BusinessHours)
		} // else it was breached before it paused, and stays so
		tg.Paused, tg.Left = false, 0
	case !runs && !tg.Paused:
		if left := snap.between(now, tg.BreachAt, m.BusinessHours); left > 0 {
			tg.Left, tg.BreachAt = left, time.Time{}
		}
		tg.Paused = true
	}
	// Met when solved; a reopened ticket takes up its targets where they stood.
	switch solved := t.Status == model.StatusSolved; {
	case solved && tg.FulfilledAt.IsZero():
		tg.FulfilledAt = now
	case !solved:
		tg.FulfilledAt = time.Time{}
	}
	return tg
}

// between is the metric's time from a to b: open hours of the account's
// schedule for a business-hours metric, else calendar time; 0 if b is not
// after a.
func (snap *slaSnapshot) between(a, b time.Time, business bool) time.Duration {
	if !b.After(a) {
		return 0
	}
	if business && snap.schedule != nil {
		return snap.schedule.Elapsed(a, b)
	}
	return b.Sub(a)
}

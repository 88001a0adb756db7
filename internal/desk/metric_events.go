package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Ticket metric events (issue 21): Zendesk's record of when each ticket metric
// started, paused and was met, derived here from the tickets' audits when
// exported, as the ticket metrics are.

// The metrics, in the order their events are written within one audit.
var metricNames = []string{"agent_work_time", "pausable_update_time", "reply_time", "requester_wait_time", "resolution_time"}

// MetricEvent is one ticket metric event.
type MetricEvent struct {
	// ID is the audit's id × 100 + the event's place among the audit's
	// metric events: stable across exports.
	ID, TicketID int64
	Metric       string
	// InstanceID counts the metric's cycles: 0 for the measure events written
	// at creation, then 1, 2... each time the metric is activated anew.
	InstanceID int
	// Type is measure, activate, pause, fulfill or update_status.
	Type string
	Time time.Time
	// Calendar and Business are, for update_status, the fulfilled instance's
	// active time in minutes (Business in the account schedule's open hours).
	Calendar, Business int64
	// SLA is what an apply_sla event applied (metric_sla_events.go).
	SLA *MetricSLA
}

// metricClock is one metric's current instance.
type metricClock struct {
	instance         int
	active, running  bool // activated and not fulfilled; counting (not paused)
	since            time.Time
	calendar, busins time.Duration
}

// metricReplay walks one ticket's audits and writes its metric events.
type metricReplay struct {
	ticketID int64
	clocks   map[string]*metricClock
	staff    map[int64]bool
	business func(a, b time.Time) time.Duration
	out      map[int64][]MetricEvent // by audit id
	audit    *model.Audit
}

func (r *metricReplay) emit(metric, typ string, instance int, cal, bus time.Duration) {
	a := r.audit
	seq := int64(len(r.out[a.ID]))
	r.out[a.ID] = append(r.out[a.ID], MetricEvent{ID: a.ID*100 + seq, TicketID: r.ticketID, Metric: metric,
		InstanceID: instance, Type: typ, Time: a.CreatedAt, Calendar: int64(cal / time.Minute), Business: int64(bus / time.Minute)})
}

// activate starts a new instance of metric, running unless paused.
func (r *metricReplay) activate(metric string, running bool) {
	c := r.clocks[metric]
	if c.active {
		return
	}
	c.instance++
	c.active, c.running, c.since, c.calendar, c.busins = true, running, r.audit.CreatedAt, 0, 0
	r.emit(metric, "activate", c.instance, 0, 0)
}

// setRunning pauses or resumes an active instance.
func (r *metricReplay) setRunning(metric string, running bool) {
	c := r.clocks[metric]
	if !c.active || c.running == running {
		return
	}
	now := r.audit.CreatedAt
	if running {
		c.since = now
	} else {
		c.calendar += now.Sub(c.since)
		c.busins += r.business(c.since, now)
		r.emit(metric, "pause", c.instance, 0, 0)
	}
	c.running = running
}

// fulfill meets an active instance and reports its active time.
func (r *metricReplay) fulfill(metric string) {
	c := r.clocks[metric]
	if !c.active {
		return
	}
	now := r.audit.CreatedAt
	if c.running {
		c.calendar += now.Sub(c.since)
		c.busins += r.business(c.since, now)
	}
	c.active, c.running = false, false
	r.emit(metric, "fulfill", c.instance, 0, 0)
	r.emit(metric, "update_status", c.instance, c.calendar, c.busins)
}

// status applies a status change: agent work runs in new and open, the
// requester waits in new, open and on-hold, pausable updates pause in pending
// only (as the SLA target in sla_updates.go); solving (or closing) fulfils
// them all, reopening a solved ticket starts new instances.
func (r *metricReplay) status(from, to model.Status) {
	done := func(s model.Status) bool { return s == model.StatusSolved || s == model.StatusClosed }
	if done(to) {
		if !done(from) {
			for _, m := range []string{"agent_work_time", "requester_wait_time", "resolution_time", "pausable_update_time", "reply_time"} {
				r.fulfill(m)
			}
		}
		return
	}
	working := to == model.StatusNew || to == model.StatusOpen
	if done(from) {
		r.activate("agent_work_time", working)
		r.activate("requester_wait_time", to != model.StatusPending)
		r.activate("resolution_time", true)
		r.activate("pausable_update_time", to != model.StatusPending)
		return
	}
	r.setRunning("agent_work_time", working)
	r.setRunning("requester_wait_time", to != model.StatusPending)
	r.setRunning("pausable_update_time", to != model.StatusPending)
}

// replayMetrics writes the metric events of one ticket's audits (oldest first).
func replayMetrics(ticketID int64, audits []model.Audit, staff map[int64]bool, business func(a, b time.Time) time.Duration) map[int64][]MetricEvent {
	r := &metricReplay{ticketID: ticketID, clocks: map[string]*metricClock{}, staff: staff, business: business, out: map[int64][]MetricEvent{}}
	for _, m := range metricNames {
		r.clocks[m] = &metricClock{}
	}
	status := model.Status("")
	for i := range audits {
		r.audit = &audits[i]
		if i == 0 {
			for _, m := range metricNames {
				r.emit(m, "measure", 0, 0, 0)
			}
		}
		for _, e := range r.audit.Events {
			switch {
			case isStatusEvent(e):
				to := model.Status(fmt.Sprint(orEmpty(e.Value)))
				if i == 0 {
					working := to == model.StatusNew || to == model.StatusOpen
					r.activate("agent_work_time", working)
					r.activate("pausable_update_time", to != model.StatusPending)
					r.activate("reply_time", true)
					r.activate("requester_wait_time", to != model.StatusPending)
					r.activate("resolution_time", true)
				}
				if to != status {
					r.status(status, to)
				}
				status = to
			case e.Type == "Comment" && i > 0 && e.Public != nil && *e.Public:
				after := statusAfter(r.audit, status)
				open := after != model.StatusSolved && after != model.StatusClosed
				if staff[e.AuthorID] {
					// An agent's public comment meets the update that ran and
					// starts the next one (the requester waits for news again),
					// unless this same change solves the ticket.
					r.fulfill("reply_time")
					r.fulfill("pausable_update_time")
					if open {
						r.activate("pausable_update_time", after != model.StatusPending)
					}
				} else if open {
					r.activate("reply_time", true)
				}
			}
		}
	}
	return r.out
}

// ExportMetricEvents returns the ticket metric events of audits (a page of the
// audit export, in its order), replaying each ticket's whole history with
// one query for all of them. Admins only, as the exports.
func (s *Service) ExportMetricEvents(ctx context.Context, actor model.User, audits []model.Audit) ([]MetricEvent, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	q := s.db.Read()
	var ids []int64
	seen := map[int64]bool{}
	for _, a := range audits {
		if !seen[a.TicketID] {
			seen[a.TicketID] = true
			ids = append(ids, a.TicketID)
		}
	}
	history, staff, business, err := s.ticketHistories(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	byAudit := map[int64][]MetricEvent{}
	for _, id := range ids {
		for aid, evs := range replayMetrics(id, history[id], staff, business) {
			byAudit[aid] = evs
		}
	}
	if err := s.addSLAEvents(ctx, q, ids, history, byAudit); err != nil {
		return nil, err
	}
	var out []MetricEvent
	for _, a := range audits {
		out = append(out, byAudit[a.ID]...)
	}
	return out, nil
}

// statusAfter is the status an audit leaves the ticket in: its status change,
// or current when it has none. A comment and a status change in one audit are
// judged by where the change ends, whatever the order of its events.
func statusAfter(a *model.Audit, current model.Status) model.Status {
	for _, e := range a.Events {
		if isStatusEvent(e) {
			current = model.Status(fmt.Sprint(orEmpty(e.Value)))
		}
	}
	return current
}

// isStatusEvent says whether e sets the ticket's status.
func isStatusEvent(e model.AuditEvent) bool {
	return e.FieldName == "status" && (e.Type == "Create" || e.Type == "Change")
}

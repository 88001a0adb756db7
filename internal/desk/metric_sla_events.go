package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// MetricSLA is the target an apply_sla metric event applied.
type MetricSLA struct {
	// Target is in minutes, of business hours when BusinessHours is set.
	Target            int
	BusinessHours     bool
	PolicyID          int64
	PolicyTitle       string
	PolicyDescription string
}

// slaEventMetric is the ticket metric an SLA metric measures, as Zendesk's
// metric events name it: first and next reply times are instances of
// reply_time.
func slaEventMetric(m string) string {
	if m == model.MetricFirstReply || m == model.MetricNextReply {
		return "reply_time"
	}
	return m
}

// addSLAEvents adds to byAudit the apply_sla and breach events of the tickets'
// SLA targets. They are derived from the targets the tickets hold now (a
// closed ticket holds none), so an apply_sla comes with the audit at which its
// target started, and a breach with the first audit at or after the breach:
// a breach no later change has followed yet is exported with that change.
func (s *Service) addSLAEvents(ctx context.Context, q *store.Queries, ids []int64, history map[int64][]model.Audit, byAudit map[int64][]MetricEvent) error {
	targets, err := q.TicketSLAs(ctx, ids)
	if err != nil || len(targets) == 0 {
		return err
	}
	policies, err := q.ListSLAPolicies(ctx)
	if err != nil {
		return fmt.Errorf("desk: sla events: %w", err)
	}
	now := s.clock()
	for _, id := range ids {
		audits := history[id]
		for _, tg := range targets[id] {
			start := lastAuditAt(audits, tg)
			if start < 0 {
				continue
			}
			metric := slaEventMetric(tg.Metric)
			instance := max(metricInstance(audits[:start+1], byAudit, metric), 1)
			a := &audits[start]
			applied := slaApplied(policies, tg, priorityAt(audits[:start+1]))
			addEvent(byAudit, a, MetricEvent{TicketID: id, Metric: metric, InstanceID: instance, Type: "apply_sla",
				Time: tg.StartedAt, SLA: applied})
			if !tg.Breached(now) {
				continue
			}
			if i := slices.IndexFunc(audits, func(x model.Audit) bool { return !x.CreatedAt.Before(tg.BreachAt) }); i >= 0 {
				addEvent(byAudit, &audits[i], MetricEvent{TicketID: id, Metric: metric, InstanceID: instance, Type: "breach", Time: tg.BreachAt})
			}
		}
	}
	return nil
}

// addEvent appends e to audit a's events, numbered after them.
func addEvent(byAudit map[int64][]MetricEvent, a *model.Audit, e MetricEvent) {
	e.ID = a.ID*100 + int64(len(byAudit[a.ID]))
	byAudit[a.ID] = append(byAudit[a.ID], e)
}

// lastAuditAt is the index of the last audit at or before the target's start
// (-1 if none).
func lastAuditAt(audits []model.Audit, tg model.SLATarget) int {
	at := -1
	for i := range audits {
		if audits[i].CreatedAt.After(tg.StartedAt) {
			break
		}
		at = i
	}
	return at
}

// metricInstance is the latest instance of metric the audits activated.
func metricInstance(audits []model.Audit, byAudit map[int64][]MetricEvent, metric string) int {
	n := 0
	for _, a := range audits {
		for _, e := range byAudit[a.ID] {
			if e.Metric == metric && e.Type == "activate" {
				n = max(n, e.InstanceID)
			}
		}
	}
	return n
}

// priorityAt is the ticket's priority after these audits.
func priorityAt(audits []model.Audit) string {
	p := ""
	for _, a := range audits {
		for _, e := range a.Events {
			if e.FieldName == "priority" && (e.Type == "Create" || e.Type == "Change") {
				p = fmt.Sprint(orEmpty(e.Value))
			}
		}
	}
	return p
}

// slaApplied is the policy target tg stands for: its policy's metric for the
// ticket's priority. A policy deleted or changed since answers what is left.
func slaApplied(policies []model.SLAPolicy, tg model.SLATarget, priority string) *MetricSLA {
	out := &MetricSLA{PolicyID: tg.PolicyID}
	i := slices.IndexFunc(policies, func(p model.SLAPolicy) bool { return p.ID == tg.PolicyID })
	if i < 0 {
		return out
	}
	p := &policies[i]
	out.PolicyTitle, out.PolicyDescription = p.Title, p.Description
	for _, m := range p.Metrics {
		if m.Metric == tg.Metric && strings.EqualFold(m.Priority, priority) {
			out.Target, out.BusinessHours = m.Target, m.BusinessHours
		}
	}
	return out
}

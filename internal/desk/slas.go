package desk

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/bizhours"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// slaCache keeps the compiled SLA policies and the account schedule, reloaded
// when the 'slas' version moves (any node may have changed them). Every ticket
// write reads it, so an instance without policies pays one indexed read.
type slaCache struct {
	mu      sync.Mutex
	version int64
	snap    *slaSnapshot
}

type slaSnapshot struct {
	policies []slaPolicy
	// schedule is the account's (the first) schedule; nil counts business
	// hours as calendar hours.
	schedule *bizhours.Schedule
}

type slaPolicy struct {
	model.SLAPolicy
	filter *rules.Filter
}

func (s *Service) slaFor(ctx context.Context, tx *store.Queries) (*slaSnapshot, error) {
	v, err := tx.SLAVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.sla
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil && c.version == v {
		return c.snap, nil
	}
	policies, err := tx.ListSLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	schedules, err := tx.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	snap := &slaSnapshot{}
	for _, p := range policies {
		snap.policies = append(snap.policies, slaPolicy{SLAPolicy: p, filter: rules.CompileFilter(p.Filter)})
	}
	if len(schedules) > 0 {
		sc := &schedules[0]
		loc, err := time.LoadLocation(sc.TimeZone)
		if err != nil {
			loc = time.UTC // validated when saved; a zone dropped from tzdata since falls back
		}
		snap.schedule = &bizhours.Schedule{Location: loc, Intervals: intervalsOf(sc), Holidays: holidaysOf(sc)}
	}
	c.snap, c.version = snap, v
	return snap, nil
}

// trackSLA brings t's SLA targets up to date after a change, in tx: the first
// policy whose filter matches applies its targets for t's priority. First
// reply time runs from creation; next reply time from a public requester
// comment; both are met by a public reply from staff, and stop when the ticket
// is solved. Closing or deleting the ticket drops its targets (the database's
// triggers do).
func (s *Service) trackSLA(ctx context.Context, tx *store.Tx, snapRules *ruleSnapshot, before, t *model.Ticket, c *model.Comment, actor model.User) error {
	snap, err := s.slaFor(ctx, &tx.Queries)
	if err != nil || len(snap.policies) == 0 || t.Status == model.StatusClosed {
		return err
	}
	var old []model.SLATarget
	if before != nil {
		if old, err = tx.TicketSLA(ctx, t.ID); err != nil {
			return err
		}
	}
	next := snap.targets(t, old, c, actor, before == nil, rules.Env{Fields: snapRules.byID})
	if slices.Equal(old, next) {
		return nil
	}
	return tx.SetTicketSLA(ctx, t.ID, next)
}

// targets computes t's targets after a change from the ones it had.
func (snap *slaSnapshot) targets(t *model.Ticket, old []model.SLATarget, c *model.Comment, actor model.User, create bool, env rules.Env) []model.SLATarget {
	if t.HasTag(peer.TagEscalatedToSecure) {
		return nil // a stub: the conversation, and its targets, are on secure
	}
	var policy *slaPolicy
	for i := range snap.policies {
		if snap.policies[i].filter.Matches(t, env) {
			policy = &snap.policies[i]
			break
		}
	}
	if policy == nil {
		return nil
	}
	now := t.UpdatedAt
	public := c != nil && c.Public && !create
	staffReply := public && actor.Role.IsStaff() && c.AuthorID != t.RequesterID
	requesterReply := public && c.AuthorID == t.RequesterID
	solved := t.Status == model.StatusSolved
	prev := map[string]model.SLATarget{}
	for _, o := range old {
		prev[o.Metric] = o
	}
	var out []model.SLATarget
	for _, m := range policy.Metrics {
		if m.Priority != t.Priority {
			continue
		}
		tg, had := prev[m.Metric]
		tg.TicketID, tg.Metric, tg.PolicyID = t.ID, m.Metric, policy.ID
		if isUpdateMetric(m.Metric) {
			out = append(out, snap.update(tg, had, m, t, staffReply, now))
			continue
		}
		if _, ok := pausableRuns(m.Metric, t.Status); ok {
			out = append(out, snap.pausable(tg, had, m, t, now))
			continue
		}
		switch m.Metric {
		case model.MetricFirstReply:
			if !had {
				tg.StartedAt = t.CreatedAt
			}
		case model.MetricNextReply:
			first, hasFirst := prev[model.MetricFirstReply]
			firstOpen := hasFirst && first.FulfilledAt.IsZero() && !staffReply
			waiting := had && tg.FulfilledAt.IsZero()
			switch {
			case requesterReply && !firstOpen && !waiting:
				tg = model.SLATarget{TicketID: t.ID, Metric: m.Metric, PolicyID: policy.ID, StartedAt: now}
			case !had:
				continue // starts with the requester's next public comment
			}
		}
		if tg.FulfilledAt.IsZero() && (staffReply || solved) {
			tg.FulfilledAt = now
		}
		tg.BreachAt = snap.due(tg.StartedAt, m)
		out = append(out, tg)
	}
	slices.SortFunc(out, func(a, b model.SLATarget) int { return strings.Compare(a.Metric, b.Metric) })
	return out
}

// due is when a target of m started at start is breached.
func (snap *slaSnapshot) due(start time.Time, m model.SLAMetric) time.Time {
	return snap.addTime(start, time.Duration(m.Target)*time.Minute, m.BusinessHours)
}

// addTime is start plus d of business time (the account schedule's open
// hours) or of calendar time.
func (snap *slaSnapshot) addTime(start time.Time, d time.Duration, business bool) time.Time {
	if business && snap.schedule != nil {
		if at, ok := snap.schedule.Add(start, d); ok {
			return at
		}
		// A schedule that never opens: no business time ever passes.
		return start.Add(100 * 365 * 24 * time.Hour)
	}
	return start.Add(d).UTC()
}

// TicketSLA returns the SLA targets of a ticket actor may see, by metric: the
// ticket metrics and the UI read them from here.
func (s *Service) TicketSLA(ctx context.Context, actor model.User, ticketID int64) ([]model.SLATarget, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if _, err := s.Ticket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	return s.db.Read().TicketSLA(ctx, ticketID)
}

// NextBreach returns the ticket's earliest open target whose clock runs, if any.
func (s *Service) NextBreach(ctx context.Context, actor model.User, ticketID int64) (model.SLATarget, bool, error) {
	targets, err := s.TicketSLA(ctx, actor, ticketID)
	if err != nil {
		return model.SLATarget{}, false, err
	}
	var best model.SLATarget
	found := false
	for _, t := range targets {
		if t.FulfilledAt.IsZero() && !t.Paused && (!found || t.BreachAt.Before(best.BreachAt)) {
			best, found = t, true
		}
	}
	return best, found, nil
}

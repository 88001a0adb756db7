package rules

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Clock names a ticket time that automation conditions measure hours from (or,
// for ClockNextBreach, to). The store keeps one indexed column per clock.
type Clock string

// The clocks, one per time condition field.
const (
	ClockCreated          Clock = "created"
	ClockUpdated          Clock = "updated"
	ClockSolved           Clock = "solved"
	ClockPending          Clock = "pending"
	ClockHold             Clock = "hold"
	ClockAssigned         Clock = "assigned"
	ClockRequesterUpdated Clock = "requester_updated"
	ClockAssigneeUpdated  Clock = "assignee_updated"
	ClockNextBreach       Clock = "next_breach"
	ClockLastBreach       Clock = "last_breach"
)

// timeFields maps Zendesk's time condition fields to the clock they read.
var timeFields = map[string]Clock{
	"hours_since_created":           ClockCreated,
	"hours_since_updated":           ClockUpdated,
	"hours_since_solved":            ClockSolved,
	"hours_since_pending":           ClockPending,
	"hours_since_hold":              ClockHold,
	"hours_since_assigned":          ClockAssigned,
	"hours_since_requester_updated": ClockRequesterUpdated,
	"hours_since_assignee_updated":  ClockAssigneeUpdated,
	"hours_until_next_sla_breach":   ClockNextBreach,
	"hours_since_last_sla_breach":   ClockLastBreach,
}

// IsTimeCondition reports whether field is a time-based condition field.
func IsTimeCondition(field string) bool { _, ok := timeFields[field]; return ok }

// TimeConditionFields lists the time-based condition fields, sorted (the
// automation editor offers them).
func TimeConditionFields() []string {
	out := make([]string, 0, len(timeFields))
	for f := range timeFields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// Window is the range of a clock's values for which a time condition holds at
// a given moment: Min <= clock <= Max, a zero bound being open. The store turns
// it into an indexed range scan to find candidate tickets.
type Window struct {
	Clock    Clock
	Min, Max time.Time
}

// Contains reports whether at lies in the window; a zero at (no such time on
// the ticket) never does.
func (w Window) Contains(at time.Time) bool {
	if at.IsZero() {
		return false
	}
	return (w.Min.IsZero() || !at.Before(w.Min)) && (w.Max.IsZero() || !at.After(w.Max))
}

// timeCond is a parsed time condition: whole hours compared with Hours.
type timeCond struct {
	clock Clock
	op    opKind
	hours int64
}

func parseTimeCond(c model.Condition) (timeCond, bool) {
	clock, ok := timeFields[c.Field]
	op := parseOp(c.Operator)
	h, err := strconv.ParseInt(c.Value, 10, 64)
	if !ok || (op != opIs && op != opLess && op != opGreater) || err != nil || h < 0 || h > 100000 {
		return timeCond{}, false
	}
	return timeCond{clock: clock, op: op, hours: h}, true
}

// window computes where the clock must lie at now. Hours count whole hours
// elapsed (or, until a breach, whole hours left), as Zendesk's do.
func (tc timeCond) window(now time.Time) Window {
	w := Window{Clock: tc.clock}
	h := time.Duration(tc.hours) * time.Hour
	if tc.clock == ClockNextBreach {
		// hours left = floor((b - now) / 1h), for a breach still ahead.
		switch tc.op {
		case opIs:
			w.Min, w.Max = now.Add(h), now.Add(h+time.Hour-time.Microsecond)
		case opLess:
			w.Min, w.Max = now.Add(time.Microsecond), now.Add(h-time.Microsecond)
		case opGreater:
			w.Min = now.Add(h + time.Hour)
		}
		return w
	}
	// hours since = floor((now - c) / 1h).
	switch tc.op {
	case opIs:
		w.Min, w.Max = now.Add(-h-time.Hour+time.Microsecond), now.Add(-h)
	case opLess:
		w.Min, w.Max = now.Add(-h+time.Microsecond), now
	case opGreater:
		w.Max = now.Add(-h - time.Hour)
	}
	return w
}

// clockOf reads one clock of c.
func clockOf(c *model.TicketClocks, k Clock) time.Time {
	switch k {
	case ClockCreated:
		return c.Created
	case ClockUpdated:
		return c.Updated
	case ClockSolved:
		return c.Solved
	case ClockPending:
		return c.Pending
	case ClockHold:
		return c.Hold
	case ClockAssigned:
		return c.Assigned
	case ClockRequesterUpdated:
		return c.RequesterUpdated
	case ClockAssigneeUpdated:
		return c.AssigneeUpdated
	case ClockNextBreach:
		return c.NextBreach
	case ClockLastBreach:
		return c.LastBreach
	}
	return time.Time{}
}

// compiledAuto is one active automation ready to run.
type compiledAuto struct {
	compiled
	times []timeCond
}

// AutomationSet is a list of automations compiled for running; read-only once built.
type AutomationSet struct {
	autos []compiledAuto
}

// CompileAutomations keeps the active automations in Zendesk's order (position,
// then id) and parses their conditions and actions. An automation with a
// malformed time condition never matches.
func CompileAutomations(list []model.Automation) *AutomationSet {
	var out []compiledAuto
	for i := range list {
		a := &list[i]
		if !a.Active {
			continue
		}
		t := model.Trigger{ID: a.ID, Position: a.Position, Actions: a.Actions}
		var times []timeCond
		broken := false
		for _, c := range a.Conditions.All {
			if !IsTimeCondition(c.Field) {
				t.Conditions.All = append(t.Conditions.All, c)
				continue
			}
			tc, ok := parseTimeCond(c)
			broken = broken || !ok
			times = append(times, tc)
		}
		if broken || len(times) == 0 || hasTimeCond(a.Conditions.Any) {
			continue
		}
		t.Conditions.Any = a.Conditions.Any
		cp := newCompiler([]model.Trigger{{Active: true, Conditions: t.Conditions, Actions: t.Actions}})
		out = append(out, compiledAuto{compiled: cp.trigger(&t), times: times})
	}
	slices.SortFunc(out, func(a, b compiledAuto) int {
		return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.id, b.id))
	})
	return &AutomationSet{autos: out}
}

func hasTimeCond(cs []model.Condition) bool {
	return slices.ContainsFunc(cs, func(c model.Condition) bool { return IsTimeCondition(c.Field) })
}

// Len reports how many active automations the set holds.
func (s *AutomationSet) Len() int { return len(s.autos) }

// Windows returns, per automation, the window of its most selective time
// condition at now: a ticket can only match the automation if that clock lies
// in it. The union of these ranges is the run's candidate tickets.
func (s *AutomationSet) Windows(now time.Time) []Window {
	out := make([]Window, 0, len(s.autos))
	for i := range s.autos {
		a := &s.autos[i]
		best := a.times[0].window(now)
		for _, tc := range a.times[1:] {
			if w := tc.window(now); narrower(w, best) {
				best = w
			}
		}
		out = append(out, best)
	}
	return out
}

// narrower prefers a closed range to a half-open one, and a clock that only
// open work in one state has (solved, pending, hold) to one every ticket has.
func narrower(a, b Window) bool {
	closed := func(w Window) bool { return !w.Min.IsZero() && !w.Max.IsZero() }
	if closed(a) != closed(b) {
		return closed(a)
	}
	return sparse(a.Clock) && !sparse(b.Clock)
}

func sparse(c Clock) bool { return c != ClockCreated && c != ClockUpdated }

// AutoResult is what one automation run did to one ticket.
type AutoResult struct {
	Fired []int64 // automation ids in firing order
}

// Apply runs the set's automations over t, in place, in order: each whose
// conditions hold at now and which skip does not rule out applies its actions,
// and the ones after it see the changed ticket. Each fires at most once. A
// ticket closed by one is left alone by the rest.
func (s *AutomationSet) Apply(t *model.Ticket, clocks model.TicketClocks, now time.Time, env Env, actor model.User, skip func(id int64) bool) AutoResult {
	var res AutoResult
	before := t.Clone()
	ch := &model.Change{Before: &before, After: t, Actor: actor}
	var scratch Result
	a := applier{ch: ch, env: env, res: &scratch}
	for i := range s.autos {
		au := &s.autos[i]
		if t.Status == model.StatusClosed {
			break
		}
		if skip != nil && skip(au.id) {
			continue
		}
		if !au.holdsAt(&clocks, now) {
			continue
		}
		// Conditions compare the ticket as it stands: no field counts as changed.
		snapshot := t.Clone()
		ch.Before = &snapshot
		if !au.matches(&evalCtx{ch: ch, env: env}) {
			continue
		}
		res.Fired = append(res.Fired, au.id)
		prev := t.Clone()
		a.fire(&au.compiled)
		advanceClocks(&clocks, &prev, t, now)
	}
	ch.Before = &before
	return res
}

func (au *compiledAuto) holdsAt(c *model.TicketClocks, now time.Time) bool {
	for _, tc := range au.times {
		if !tc.window(now).Contains(clockOf(c, tc.clock)) {
			return false
		}
	}
	return true
}

// advanceClocks moves the in-memory clocks as the database's ticket_clocks
// triggers will once the change is saved, so later automations of the same run
// see, say, a reopened ticket as no longer solved.
func advanceClocks(c *model.TicketClocks, before, after *model.Ticket, now time.Time) {
	c.Updated = now
	state := func(dst *time.Time, s model.Status) {
		switch {
		case after.Status != s:
			*dst = time.Time{}
		case before.Status != s:
			*dst = now
		}
	}
	state(&c.Solved, model.StatusSolved)
	state(&c.Pending, model.StatusPending)
	state(&c.Hold, model.StatusHold)
	switch {
	case after.AssigneeID == 0:
		c.Assigned = time.Time{}
	case after.AssigneeID != before.AssigneeID:
		c.Assigned = now
	}
}

// Package rules evaluates Zendesk-style triggers against one ticket change. It is
// pure: it reads the change and field definitions, mutates the ticket in the
// change, and returns what fired, what changed and which notifications to send.
// Storing audits and enqueuing deliveries is the caller's job.
package rules

import "github.com/twindesk/twindesk/internal/model"

// Env gives the engine what it needs beyond the change itself.
type Env struct {
	Fields map[int64]*model.TicketField // custom field definitions by id
}

// Result of running triggers for one change.
type Result struct {
	Fired         []int64              // trigger ids in firing order
	Notifications []model.Notification // in firing order (raw Liquid templates, rendered later by the caller)
	Events        []model.AuditEvent   // Change events for what triggers changed (field_name, value, previous_value, ViaTriggerID)
}

// Run applies active triggers (sorted by Position then ID) to ch.After, in place.
// It is Compile(triggers).Run(ch, env); callers running the same triggers many
// times can keep the compiled Set instead.
func Run(triggers []model.Trigger, ch *model.Change, env Env) Result {
	return Compile(triggers).Run(ch, env)
}

// Run applies the set's triggers to ch.After, in place, with Zendesk's cycle: walk
// the triggers in order; a trigger whose conditions hold fires its actions; when
// those actions changed the ticket the walk restarts from the top, since earlier
// triggers may now match. Each trigger fires at most once per change, which is
// what makes the loop end: every restart uses up one trigger. Triggers do not run
// on a ticket that was already closed, but do on one being closed.
func (s *Set) Run(ch *model.Change, env Env) Result {
	var res Result
	if ch == nil || ch.After == nil || len(s.triggers) == 0 {
		return res
	}
	if ch.Before != nil && ch.Before.Status == model.StatusClosed {
		return res
	}
	x := evalCtx{ch: ch, env: env}
	a := applier{ch: ch, env: env, res: &res}
	// Most accounts have a few hundred triggers at most; a stack buffer keeps the
	// common update, where little or nothing fires, free of allocations.
	var buf [256]bool
	var fired []bool
	if len(s.triggers) <= len(buf) {
		fired = buf[:len(s.triggers)]
	} else {
		fired = make([]bool, len(s.triggers))
	}
	for i := 0; i < len(s.triggers) && len(res.Fired) < len(s.triggers); i++ {
		t := &s.triggers[i]
		if fired[i] || !t.matches(&x) {
			continue
		}
		fired[i] = true
		res.Fired = append(res.Fired, t.id)
		if a.fire(t) {
			i = -1 // restart from the first trigger
		}
	}
	return res
}

// fire applies all of t's actions and reports whether any changed the ticket.
func (a *applier) fire(t *compiled) bool {
	a.trigger = t.id
	changed := false
	for i := range t.acts {
		if a.apply(&t.acts[i]) {
			changed = true
		}
	}
	return changed
}

package escalation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/twindesk/twindesk/internal/peer"
)

func cond(field, op, value string) condition {
	return condition{Field: field, Operator: op, Value: value}
}

func hook(id, body string) action {
	return action{Field: "notification_webhook", Value: []string{id, body}}
}

// Trigger titles, stable so a second setup run finds them.
const (
	TriggerForward    = peer.TriggerForward
	TriggerSendStubID = "Escalation: send stub id"
	TriggerSendNote   = "Escalation: send comment"
	TriggerCreateStub = "Escalation: create stub"
	TriggerReassigned = "Escalation: stub reassigned"
	TriggerClosed     = "Escalation: stub closed"
)

func (s *setup) standardTriggers() []trigger {
	var forward trigger
	forward.Title = TriggerForward
	// The in-flight tag stops a second update from forwarding the ticket again while
	// its create/delete chain is still being delivered.
	forward.Conditions.All = []condition{
		cond("current_tags", "not_includes", TagEscalatedToSecure+" "+TagEscalationInFlight),
	}
	for _, m := range s.cfg.Map {
		forward.Conditions.Any = append(forward.Conditions.Any, cond("group_id", "is", fmt.Sprint(s.x.pseudo[m.Pseudo])))
	}
	forward.Conditions.Any = append(forward.Conditions.Any, cond("group_id", "is", fmt.Sprint(s.x.unassigned)))
	forward.Actions = []action{
		{Field: "current_tags", Value: TagEscalationInFlight},
		hook(s.x.whCreateSec, forwardBody(&s.x, s.cfg.Map)),
		hook(s.x.whDeleteStd, ""),
		hook(s.x.whPurgeStd, ""),
	}

	var stubID trigger
	stubID.Title = TriggerSendStubID
	stubID.Conditions.All = []condition{
		cond("update_type", "is", "Create"),
		cond("current_tags", "includes", TagHasSecureID),
		cond("current_tags", "includes", TagEscalatedToSecure),
	}
	stubID.Actions = []action{hook(s.x.whUpdateSec, sendStubIDBody)}

	var note trigger
	note.Title = TriggerSendNote
	note.Conditions.All = []condition{
		cond("update_type", "is", "Change"),
		cond("comment_is_public", "is", "not_relevant"),
		cond("current_tags", "includes", TagHasSecureID),
		cond("current_tags", "includes", TagEscalatedToSecure),
	}
	note.Actions = []action{hook(s.x.whUpdateSec, sendCommentBody)}
	return []trigger{forward, stubID, note}
}

func (s *setup) secureTriggers() []trigger {
	var stub trigger
	stub.Title = TriggerCreateStub
	stub.Conditions.All = []condition{
		cond("update_type", "is", "Create"),
		cond("current_tags", "includes", TagEscalatedFromStd),
		cond("current_tags", "includes", TagStubRequired),
		cond("current_tags", "not_includes", TagHasStandardID),
	}
	stub.Actions = []action{hook(s.x.whCreateStub, stubBody(&s.x, s.cfg.Map, s.cfg.KeepSubject))}

	var moved trigger
	moved.Title = TriggerReassigned
	moved.Conditions.All = []condition{
		cond("update_type", "is", "Change"),
		cond("current_tags", "includes", TagHasStandardID),
		cond("status", "less_than", "closed"),
	}
	moved.Conditions.Any = []condition{
		cond("assignee_id", "changed", ""),
		cond("group_id", "changed", ""),
		cond("status", "changed", ""),
	}
	moved.Actions = []action{hook(s.x.whUpdateStub, reassignedBody(&s.x))}

	var closed trigger
	closed.Title = TriggerClosed
	closed.Conditions.All = []condition{
		cond("status", "value", "closed"),
		cond("current_tags", "includes", TagHasStandardID),
	}
	closed.Actions = []action{hook(s.x.whUpdateStub, closedBody(&s.x))}
	return []trigger{stub, moved, closed}
}

func (s *setup) triggers(ctx context.Context) error {
	std, sec := s.standardTriggers(), s.secureTriggers()
	for _, side := range []struct {
		c     *Client
		where string
		want  []trigger
	}{{s.std, "standard", std}, {s.sec, "secure", sec}} {
		existing, err := side.c.triggers(ctx)
		if err != nil {
			return err
		}
		for _, t := range side.want {
			if err := s.ensureTrigger(ctx, side.c, existing, t, side.where); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *setup) ensureTrigger(ctx context.Context, c *Client, existing []trigger, want trigger, where string) error {
	want.Active = true
	for _, t := range existing {
		if t.Title != want.Title {
			continue
		}
		if t.Active && canonical(t) == canonical(want) {
			s.rep.note("unchanged", where+" trigger "+want.Title)
			return nil
		}
		want.ID = t.ID
		_, err := c.saveTrigger(ctx, want)
		s.rep.note("updated", where+" trigger "+want.Title)
		return wrapTrigger(want.Title, err)
	}
	_, err := c.saveTrigger(ctx, want)
	if err == nil {
		s.rep.note("created", where+" trigger "+want.Title)
	}
	return wrapTrigger(want.Title, err)
}

func wrapTrigger(title string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("escalation: trigger %q was refused: %w", title, err)
	}
	return err
}

// canonical renders a trigger's rule as comparable text: action values as lists,
// empty condition lists as empty, whatever shape the server answered with.
func canonical(t trigger) string {
	acts := make([][]any, len(t.Actions))
	for i, a := range t.Actions {
		v := a.Value
		if s, ok := v.(string); ok {
			v = []any{s}
		}
		if l, ok := v.([]string); ok {
			anyList := make([]any, len(l))
			for j := range l {
				anyList[j] = l[j]
			}
			v = anyList
		}
		acts[i] = []any{a.Field, v}
	}
	all, anyConds := t.Conditions.All, t.Conditions.Any
	if all == nil {
		all = []condition{}
	}
	if anyConds == nil {
		anyConds = []condition{}
	}
	b, _ := json.Marshal([]any{all, anyConds, acts}) // plain data always marshals
	return string(b)
}

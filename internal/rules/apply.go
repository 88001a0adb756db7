package rules

import (
	"slices"
	"strconv"

	"github.com/twindesk/twindesk/internal/model"
)

// applier applies one trigger's actions to the ticket and records what they did.
type applier struct {
	ch      *model.Change
	env     Env
	res     *Result
	trigger int64
}

// apply runs one action and reports whether it changed the ticket. Notifications
// do not change the ticket, so they never restart the trigger loop.
func (a *applier) apply(ac *act) bool {
	if !ac.ok {
		return false
	}
	t := a.ch.After
	switch ac.kind {
	case aStatus:
		prev := t.Status
		t.Status = model.Status(ac.arg)
		return a.changed("status", string(t.Status), string(prev))
	case aPriority:
		prev := t.Priority
		t.Priority = ac.arg
		return a.changed("priority", t.Priority, prev)
	case aType:
		prev := t.Type
		t.Type = ac.arg
		return a.changed("type", t.Type, prev)
	case aGroup:
		return a.setID("group_id", &t.GroupID, a.resolve(ac))
	case aAssignee:
		return a.setID("assignee_id", &t.AssigneeID, a.resolve(ac))
	case aForm:
		return a.setID("ticket_form_id", &t.TicketFormID, a.resolve(ac))
	case aSetTags, aAddTags, aRemoveTags:
		return a.setTags(editTags(t.Tags, ac.kind, ac.words))
	case aCustom:
		return a.setCustom(ac.fieldID, ac.arg)
	case aWebhook, aTarget, aUser:
		a.notify(ac)
	}
	return false
}

// changed appends a Change event when value differs from prev and reports whether
// it did. The caller has already stored value.
func (a *applier) changed(field, value, prev string) bool {
	if value == prev {
		return false
	}
	a.event(field, value, prev)
	return true
}

func (a *applier) event(field string, value, prev any) {
	a.res.Events = append(a.res.Events, model.AuditEvent{
		Type: "Change", FieldName: field, Value: value, PreviousValue: prev, ViaTriggerID: a.trigger,
	})
}

func (a *applier) resolve(ac *act) int64 {
	if ac.ref == refCurrentUser {
		return a.ch.Actor.ID
	}
	return ac.id
}

// setID sets an id field; events carry ids as strings, "" meaning none, as
// Zendesk's audits do.
func (a *applier) setID(field string, dst *int64, id int64) bool {
	if *dst == id {
		return false
	}
	prev := *dst
	*dst = id
	a.event(field, idString(id), idString(prev))
	return true
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// setTags stores tags when they differ from the ticket's as a set, records the
// change and then brings dropdown fields in step with the new tags.
func (a *applier) setTags(tags []string) bool {
	t := a.ch.After
	if sameTags(t.Tags, tags) {
		return false
	}
	prev := t.Tags
	t.Tags = tags
	a.event("tags", tagList(tags), tagList(prev))
	a.syncTaggers()
	return true
}

// editTags returns the ticket's tags after a tag action. A changed list is a new
// slice: the old one may be shared with ch.Before or an earlier event, so it is
// never written to, and capacity is clipped so that later appends copy too.
func editTags(tags []string, kind actKind, words []string) []string {
	switch kind {
	case aSetTags:
		return addTags(nil, words)
	case aAddTags:
		return addTags(tags, words)
	}
	return removeTags(tags, words)
}

// addTags and removeTags look tags up in sets: a ticket may carry a thousand
// tags, and an action name as many.
func addTags(tags, words []string) []string {
	out := tags[:len(tags):len(tags)]
	has := stringSet(out)
	for _, w := range words {
		if _, ok := has[w]; !ok {
			has[w] = struct{}{}
			out = append(out, w)
		}
	}
	return slices.Clip(out)
}

func removeTags(tags, words []string) []string {
	drop := stringSet(words)
	if !slices.ContainsFunc(tags, func(t string) bool { _, ok := drop[t]; return ok }) {
		return tags
	}
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if _, ok := drop[t]; !ok {
			out = append(out, t)
		}
	}
	return slices.Clip(out)
}

func stringSet(words []string) map[string]struct{} {
	set := make(map[string]struct{}, len(words))
	for _, w := range words {
		set[w] = struct{}{}
	}
	return set
}

// tagList copies a tag list for an event, so that later edits of the ticket's
// tags (a sort before storing, say) cannot rewrite the audit. An empty list
// encodes as [] rather than null.
func tagList(tags []string) []string {
	return append(make([]string, 0, len(tags)), tags...)
}

// sameTags compares tag lists as sets, so reordering is not a change.
func sameTags(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := stringSet(a)
	for _, t := range b {
		if _, ok := in[t]; !ok {
			return false
		}
	}
	return true
}

// setCustom sets a custom field through model.ApplyFieldValue, so a dropdown's or
// checkbox's tag follows the value. Fields missing from Env are skipped.
func (a *applier) setCustom(id int64, value string) bool {
	f := a.env.Fields[id]
	if f == nil {
		return false
	}
	t := a.ch.After
	prev, prevTags := t.Field(id), t.Tags
	if normCustom(f, prev) == normCustom(f, value) {
		return false
	}
	model.ApplyFieldValue(t, f, value)
	a.event(strconv.FormatInt(id, 10), value, prev)
	if !sameTags(prevTags, t.Tags) {
		t.Tags = slices.Clip(t.Tags)
		a.event("tags", tagList(t.Tags), tagList(prevTags))
	}
	return true
}

// syncTaggers does for trigger tag actions what model.SyncFieldsFromTags does for
// API edits: a dropdown whose option tag was removed is cleared, and one whose
// option tag was added takes that option. Fields are visited by id so the events
// come out in a stable order.
func (a *applier) syncTaggers() {
	t := a.ch.After
	var ids []int64
	for id, f := range a.env.Fields {
		if f.Type == model.FieldTagger && syncedValue(t, f) != t.Field(id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		prev, value := t.Field(id), syncedValue(t, a.env.Fields[id])
		t.SetField(id, value)
		a.event(strconv.FormatInt(id, 10), value, prev)
	}
}

// syncedValue is the value dropdown f should have given t's tags.
func syncedValue(t *model.Ticket, f *model.TicketField) string {
	if cur := t.Field(f.ID); cur != "" && t.HasTag(cur) {
		return cur
	}
	for _, o := range f.Options {
		if t.HasTag(o.Value) {
			return o.Value
		}
	}
	return ""
}

func (a *applier) notify(ac *act) {
	kind := "webhook"
	switch ac.kind {
	case aTarget:
		kind = "target"
	case aUser:
		kind = model.NotifyUser
	}
	a.res.Notifications = append(a.res.Notifications, model.Notification{
		TriggerID: a.trigger, Kind: kind, TargetID: ac.arg, Body: ac.body, Subject: ac.subject,
	})
}

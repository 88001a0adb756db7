package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// CommentInput is a comment added by a create or update.
type CommentInput struct {
	Body     string
	Public   *bool // default true, as in Zendesk
	AuthorID int64
	// Uploads are upload tokens whose files the comment takes (attachments.go).
	Uploads []string
}

// RequesterInput names a requester by email, creating an end user when unknown.
type RequesterInput struct {
	Name  string
	Email string
}

// TicketInput is a ticket create or update as the API and UI submit it. Nil fields
// are left alone on update; zero ids passed explicitly mean "none".
type TicketInput struct {
	Subject        *string
	Comment        *CommentInput
	Status         *string
	Priority       *string
	Type           *string
	RequesterID    *int64
	Requester      *RequesterInput
	SubmitterID    *int64
	Submitter      *RequesterInput
	AssigneeID     *int64
	AssigneeEmail  *string
	GroupID        *int64
	Tags           *[]string
	AdditionalTags []string
	RemoveTags     []string
	ExternalID     *string
	CustomFields   []model.FieldValue
	TicketFormID   *int64
	// OrganizationID sets the ticket's organization (0: none); without it a
	// new ticket, or a new requester, brings the requester's (organizations.go).
	OrganizationID *int64
	// CCs sets email CCs and followers (ccs.go).
	CCs CollaboratorInput
	Via string
	// UpdatedStamp, when set, makes the update a Zendesk "safe update": it fails with
	// ErrStale if the ticket changed since this time.
	UpdatedStamp time.Time
}

// NormalizeTags lower-cases tags, splits on spaces and drops duplicates, as Zendesk
// stores them.
// A set, not a scan of out: requests may name 100,000 tags.
func NormalizeTags(in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]struct{}, len(in))
	for _, raw := range in {
		for _, t := range strings.Fields(strings.ToLower(raw)) {
			if _, dup := seen[t]; !dup {
				seen[t] = struct{}{}
				out = append(out, t)
			}
		}
	}
	return out
}

// Limits of a ticket's tags. Zendesk documents none, but a ticket with 100,000
// tags is abuse: every update rewrites and re-indexes them while holding the
// writer, and triggers and webhooks carry them all.
const (
	MaxTicketTags = 1000
	MaxTagLength  = 255
)

// applyTags sets, adds and removes tags in linear time, then checks the limits
// when tags were set or added (a ticket over them may still lose tags).
func (in *TicketInput) applyTags(t *model.Ticket, v *model.ValidationError) {
	if in.Tags != nil {
		t.Tags = NormalizeTags(*in.Tags)
	}
	if add := NormalizeTags(in.AdditionalTags); len(add) > 0 {
		has := tagSet(t.Tags)
		for _, tag := range add {
			if _, ok := has[tag]; !ok {
				has[tag] = struct{}{}
				t.Tags = append(t.Tags, tag)
			}
		}
	}
	if remove := NormalizeTags(in.RemoveTags); len(remove) > 0 {
		drop := tagSet(remove)
		t.Tags = slices.DeleteFunc(t.Tags, func(x string) bool { _, ok := drop[x]; return ok })
	}
	if in.Tags != nil || len(in.AdditionalTags) > 0 {
		checkTagLimits(t.Tags, v)
	}
}

func tagSet(tags []string) map[string]struct{} {
	set := make(map[string]struct{}, len(tags))
	for _, t := range tags {
		set[t] = struct{}{}
	}
	return set
}

func checkTagLimits(tags []string, v *model.ValidationError) {
	if len(tags) > MaxTicketTags {
		v.Add("tags", "TooLong", "Tags: a ticket has at most %d tags, not %d", MaxTicketTags, len(tags))
	}
	for _, t := range tags {
		if utf8.RuneCountInString(t) > MaxTagLength {
			v.Add("tags", "TooLong", "Tags: %.40q... is too long (maximum is %d characters)", t, MaxTagLength)
			return
		}
	}
}

func oneOf(v string, allowed []string) bool { return v == "" || slices.Contains(allowed, v) }

// applyScalars copies the plain fields of in onto t and records what is wrong.
func (in *TicketInput) applyScalars(t *model.Ticket, v *model.ValidationError) {
	if in.Subject != nil {
		t.Subject = strings.TrimSpace(*in.Subject)
		if len(t.Subject) > 255 {
			v.Add("subject", "TooLong", "Subject: is too long (maximum is 255 characters)")
		}
	}
	if in.Status != nil {
		t.Status = model.Status(*in.Status)
		if !t.Status.Valid() {
			v.Add("status", "InvalidValue", "Status: %q is not a valid status", *in.Status)
		}
	}
	if in.Priority != nil {
		if t.Priority = *in.Priority; !oneOf(t.Priority, model.Priorities) {
			v.Add("priority", "InvalidValue", "Priority: %q is not one of urgent, high, normal, low", t.Priority)
		}
	}
	if in.Type != nil {
		if t.Type = *in.Type; !oneOf(t.Type, model.TicketTypes) {
			v.Add("type", "InvalidValue", "Type: %q is not one of problem, incident, question, task", t.Type)
		}
	}
	if in.ExternalID != nil {
		if t.ExternalID = *in.ExternalID; len(t.ExternalID) > 255 {
			v.Add("external_id", "TooLong", "External ID: is too long (maximum is 255 characters)")
		}
	}
	in.applyTags(t, v)
}

// resolvePeople checks and applies requester, submitter, assignee and group.
func (s *Service) resolvePeople(ctx context.Context, tx *store.Tx, in *TicketInput, t *model.Ticket, v *model.ValidationError) error {
	if err := s.resolveRequester(ctx, tx, in, t, v); err != nil {
		return err
	}
	if in.Submitter != nil {
		u, err := s.findOrCreateRequester(ctx, tx, in.Submitter.Email, in.Submitter.Name)
		if fe, ok := err.(*model.ValidationError); ok {
			v.Errors = append(v.Errors, fe.Errors...)
		} else if err != nil {
			return err
		} else {
			in.SubmitterID = &u.ID
		}
	}
	if in.SubmitterID != nil {
		if err := checkUserExists(ctx, tx, *in.SubmitterID, "submitter", v); err != nil {
			return err
		}
		t.SubmitterID = *in.SubmitterID
	}
	if in.AssigneeEmail != nil {
		u, err := tx.UserByEmail(ctx, *in.AssigneeEmail)
		if isNotFound(err) {
			v.Add("assignee", "InvalidValue", "Assignee: %s is not an agent", *in.AssigneeEmail)
			return nil
		}
		if err != nil {
			return err
		}
		in.AssigneeID = &u.ID
	}
	if in.GroupID != nil {
		if *in.GroupID != 0 {
			if _, err := tx.Group(ctx, *in.GroupID); isNotFound(err) {
				v.Add("group", "InvalidValue", "Group: %d does not exist", *in.GroupID)
			} else if err != nil {
				return err
			}
		}
		t.GroupID = *in.GroupID
	}
	if in.AssigneeID != nil {
		t.AssigneeID = *in.AssigneeID
	}
	return checkAssignee(ctx, tx, in, t, v)
}

func (s *Service) resolveRequester(ctx context.Context, tx *store.Tx, in *TicketInput, t *model.Ticket, v *model.ValidationError) error {
	switch {
	case in.Requester != nil:
		u, err := s.findOrCreateRequester(ctx, tx, in.Requester.Email, in.Requester.Name)
		if fe, ok := err.(*model.ValidationError); ok {
			v.Errors = append(v.Errors, fe.Errors...)
			return nil
		}
		if err != nil {
			return err
		}
		t.RequesterID = u.ID
	case in.RequesterID != nil:
		if err := checkUserExists(ctx, tx, *in.RequesterID, "requester", v); err != nil {
			return err
		}
		t.RequesterID = *in.RequesterID
	}
	return nil
}

func checkUserExists(ctx context.Context, tx *store.Tx, id int64, field string, v *model.ValidationError) error {
	_, err := tx.User(ctx, id)
	if isNotFound(err) {
		v.Add(field, "InvalidValue", "%s: user %d does not exist", capitalize(field), id)
		return nil
	}
	return err
}

// checkAssignee enforces Zendesk's consistency rules: the assignee is an agent, and
// a member of the ticket's group; with no group, the agent's default group is used.
func checkAssignee(ctx context.Context, tx *store.Tx, in *TicketInput, t *model.Ticket, v *model.ValidationError) error {
	if t.AssigneeID == 0 {
		return nil
	}
	u, err := tx.User(ctx, t.AssigneeID)
	if isNotFound(err) || (err == nil && !u.Role.IsStaff()) {
		v.Add("assignee", "InvalidValue", "Assignee: user %d is not an agent", t.AssigneeID)
		return nil
	}
	if err != nil {
		return err
	}
	if t.GroupID == 0 {
		t.GroupID = u.DefaultGroupID
		return nil
	}
	member, err := tx.IsMember(ctx, u.ID, t.GroupID)
	if err != nil {
		return err
	}
	if !member {
		if in.GroupID != nil && in.AssigneeID == nil {
			// The group moved and the old assignee isn't in it: unassign, as Zendesk does.
			t.AssigneeID = 0
			return nil
		}
		v.Add("assignee", "InvalidValue", "Assignee: %s is not a member of the group", u.Name)
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statusRules applies Zendesk's status transitions after the input is applied.
func statusRules(before *model.Ticket, t *model.Ticket, actor model.User, v *model.ValidationError) {
	if before == nil && t.Status == model.StatusClosed {
		v.Add("status", "InvalidValue", "Status: a ticket can't be created closed")
	}
	if t.Status == model.StatusNew && t.AssigneeID != 0 {
		t.Status = model.StatusOpen
	}
	solving := t.Status == model.StatusSolved || t.Status == model.StatusClosed
	if !solving || t.AssigneeID != 0 {
		return
	}
	switch {
	case isPeer(actor):
		// The secure instance closes a stub nobody here is assigned to.
	case !actor.Role.IsStaff():
		v.Add("assignee", "BlankValue", "Assignee: is required to solve a ticket")
	case t.GroupID == 0 || t.GroupID == actor.DefaultGroupID:
		// Zendesk assigns the solving agent. An agent outside the ticket's group (an
		// integration closing a stub, say) solves it without taking it over.
		t.AssigneeID = actor.ID
		if t.GroupID == 0 {
			t.GroupID = actor.DefaultGroupID
		}
	}
}

// fieldEvents lists the Change (or Create) events between before and after.
func fieldEvents(before, after *model.Ticket) []model.AuditEvent {
	typ := "Change"
	if before == nil {
		typ, before = "Create", &model.Ticket{}
	}
	var ev []model.AuditEvent
	add := func(name string, value, prev any, changed bool) {
		if !changed {
			return
		}
		e := model.AuditEvent{Type: typ, FieldName: name, Value: value}
		if typ == "Change" {
			e.PreviousValue = prev
		}
		ev = append(ev, e)
	}
	add("subject", after.Subject, before.Subject, after.Subject != before.Subject)
	add("status", string(after.Status), string(before.Status), after.Status != before.Status)
	add("priority", after.Priority, before.Priority, after.Priority != before.Priority)
	add("type", after.Type, before.Type, after.Type != before.Type)
	add("requester_id", idString(after.RequesterID), idString(before.RequesterID), after.RequesterID != before.RequesterID)
	add("assignee_id", idString(after.AssigneeID), idString(before.AssigneeID), after.AssigneeID != before.AssigneeID)
	add("group_id", idString(after.GroupID), idString(before.GroupID), after.GroupID != before.GroupID)
	add("organization_id", idString(after.OrganizationID), idString(before.OrganizationID), after.OrganizationID != before.OrganizationID)
	add("external_id", after.ExternalID, before.ExternalID, after.ExternalID != before.ExternalID)
	add("ticket_form_id", idString(after.TicketFormID), idString(before.TicketFormID), after.TicketFormID != before.TicketFormID)
	add("tags", after.Tags, before.Tags, !slices.Equal(after.Tags, before.Tags))
	ev = append(ev, collaboratorEvents(typ, before, after)...)
	for _, f := range after.CustomFields {
		if prev := before.Field(f.ID); prev != f.Value {
			add(fmt.Sprint(f.ID), f.Value, prev, true)
		}
	}
	for _, f := range before.CustomFields {
		if after.Field(f.ID) == "" {
			add(fmt.Sprint(f.ID), "", f.Value, true)
		}
	}
	return ev
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// The rules of the peer identity (see package peer): what the other instance may
// do here, checked against this instance's own escalation links, never against
// tags or ids the caller sent.

func isPeer(u model.User) bool { return u.Role == model.RolePeer }

// shapesTickets reports whether actor may set more than a comment: staff, and the
// peer within the limits its own checks impose.
func shapesTickets(actor model.User) bool { return actor.Role.IsStaff() || isPeer(actor) }

// StubSubjects chooses what a stub's subject shows.
type StubSubjects int

const (
	// StubSubjectNeutral names the pseudo group ("Escalated to Payroll"): the
	// default, since a subject such as "Salary of X" is confidential itself.
	StubSubjectNeutral StubSubjects = iota
	// StubSubjectOriginal keeps the subject the secure instance sends: an explicit
	// choice of the operator (--stub-subject original).
	StubSubjectOriginal
)

// WithStubSubjects sets what the stubs this (standard) instance creates show.
func WithStubSubjects(m StubSubjects) Option { return func(s *Service) { s.stubSubjects = m } }

func peerInvalid(field, format string, args ...any) *model.ValidationError {
	return model.Invalid(field, "InvalidValue", "%s", "peer: "+fmt.Sprintf(format, args...))
}

// keepFields returns the values of in whose field is one of titles, and the
// titles (or ids) of the others.
func keepFields(in []model.FieldValue, ids map[string]int64, titles []string) (kept []model.FieldValue, refused []string) {
	allowed := map[int64]bool{}
	for _, t := range titles {
		if id := ids[t]; id != 0 {
			allowed[id] = true
		}
	}
	for _, f := range in {
		if allowed[f.ID] {
			kept = append(kept, f)
		} else {
			refused = append(refused, fmt.Sprint(f.ID))
		}
	}
	return kept, refused
}

func fieldValue(in []model.FieldValue, id int64) (string, bool) {
	for _, f := range in {
		if id != 0 && f.ID == id {
			return f.Value, true
		}
	}
	return "", false
}

// peerCreate creates the ticket a peer asks for: the escalated ticket on the
// secure instance, the stub on the standard one.
func (s *Service) peerCreate(ctx context.Context, tx *store.Tx, actor model.User, in TicketInput) (TicketResult, error) {
	if s.confidential {
		return s.createEscalated(ctx, tx, actor, in)
	}
	return s.createStub(ctx, tx, actor, in)
}

// createEscalated is the secure side of "forward": one ticket per standard
// ticket, carrying the conversation, with only the recipe's tags and fields.
func (s *Service) createEscalated(ctx context.Context, tx *store.Tx, actor model.User, in TicketInput) (TicketResult, error) {
	ids, err := s.fieldIDs(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	raw, _ := fieldValue(in.CustomFields, ids[peer.FieldStandardTicket])
	origin, ok := peer.SingleID(raw)
	if !ok {
		return TicketResult{}, peerInvalid("custom_fields", "an escalated ticket must name its standard ticket (field %q) as one id, got %q", peer.FieldStandardTicket, raw)
	}
	if l, err := tx.LinkByOrigin(ctx, origin); err == nil {
		return TicketResult{}, peerInvalid("custom_fields", "standard ticket %d was already escalated as ticket %d", origin, l.TicketID)
	} else if !isNotFound(err) {
		return TicketResult{}, err
	}
	fields, refused := keepFields(in.CustomFields, ids, peer.EscalatedCreateFields)
	if len(refused) > 0 {
		return TicketResult{}, peerInvalid("custom_fields", "fields %s may not be set by the standard instance", strings.Join(refused, ", "))
	}
	private := false
	clean := TicketInput{Subject: in.Subject, Requester: in.Requester, GroupID: in.GroupID, CustomFields: fields,
		Tags: &[]string{peer.TagEscalatedFromStd, peer.TagStubRequired}, Via: in.Via}
	if in.Comment != nil {
		clean.Comment = &CommentInput{Body: in.Comment.Body, Public: &private}
	}
	res, err := s.createTicket(ctx, tx, actor, clean)
	if err != nil {
		return res, err
	}
	return res, tx.AddLink(ctx, model.EscalationLink{TicketID: res.Ticket.ID, OriginID: origin, CreatedAt: s.clock()})
}

// createStub is the standard side of "create stub": only for a ticket this
// instance is escalating, once, and built from this instance's own facts (the
// original's requester and pseudo group), so the secure side can't put its text
// here.
func (s *Service) createStub(ctx context.Context, tx *store.Tx, actor model.User, in TicketInput) (TicketResult, error) {
	ids, err := s.fieldIDs(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	raw, _ := fieldValue(in.CustomFields, ids[peer.FieldOriginalTicket])
	origin, ok := peer.SingleID(raw)
	if !ok {
		return TicketResult{}, peerInvalid("custom_fields", "a stub must name its original ticket (field %q) as one id, got %q", peer.FieldOriginalTicket, raw)
	}
	secureID, ok := peer.SingleID(derefString(in.ExternalID))
	if !ok {
		return TicketResult{}, peerInvalid("external_id", "a stub's external_id must be its secure ticket's id, got %q", derefString(in.ExternalID))
	}
	requester, group, err := s.escalatingOrigin(ctx, tx, origin)
	if err != nil {
		return TicketResult{}, err
	}
	if l, err := tx.LinkByOrigin(ctx, origin); err == nil {
		return TicketResult{}, peerInvalid("custom_fields", "ticket %d already has its stub, ticket %d", origin, l.TicketID)
	} else if !isNotFound(err) {
		return TicketResult{}, err
	}
	fields, refused := keepFields(in.CustomFields, ids, peer.StubCreateFields)
	if len(refused) > 0 {
		return TicketResult{}, peerInvalid("custom_fields", "fields %s may not be set by the secure instance", strings.Join(refused, ", "))
	}
	if err := checkStubValues(fields, ids); err != nil {
		return TicketResult{}, err
	}
	clean, err := s.stubInput(ctx, tx, in, origin, secureID, requester, group)
	if err != nil {
		return TicketResult{}, err
	}
	clean.CustomFields = fields
	res, err := s.createTicket(ctx, tx, actor, clean)
	if err != nil {
		return res, err
	}
	return res, tx.AddLink(ctx, model.EscalationLink{TicketID: res.Ticket.ID, OriginID: origin, PeerID: secureID, CreatedAt: s.clock()})
}

// escalatingOrigin returns the requester and group of ticket origin, which must be
// one this instance is escalating: live or soft-deleted with the in-flight tag
// (set only by the forward trigger), or purged by the escalation (a tombstone).
func (s *Service) escalatingOrigin(ctx context.Context, tx *store.Tx, origin int64) (requester, group int64, err error) {
	o, err := tx.Origin(ctx, origin)
	if err == nil {
		if !slices.Contains(o.Tags, peer.TagEscalationInFlight) {
			return 0, 0, peerInvalid("custom_fields", "ticket %d is not being escalated", origin)
		}
		return o.RequesterID, o.GroupID, nil
	}
	if !isNotFound(err) {
		return 0, 0, err
	}
	tomb, err := tx.TombstoneDetails(ctx, origin)
	if isNotFound(err) {
		return 0, 0, peerInvalid("custom_fields", "ticket %d is not being escalated", origin)
	}
	return tomb.RequesterID, tomb.GroupID, err
}

func (s *Service) stubInput(ctx context.Context, tx *store.Tx, in TicketInput, origin, secureID, requester, group int64) (TicketInput, error) {
	groupName := ""
	if group != 0 {
		g, err := tx.Group(ctx, group)
		if err != nil && !isNotFound(err) {
			return TicketInput{}, err
		}
		groupName = g.Name
	}
	subject := peer.StubSubject(groupName)
	if s.stubSubjects == StubSubjectOriginal && in.Subject != nil && strings.TrimSpace(*in.Subject) != "" {
		subject = *in.Subject
	}
	hold, private, ext := string(model.StatusHold), false, fmt.Sprint(secureID)
	note := fmt.Sprintf("This ticket stands in for ticket %d, which was escalated to the secure instance as ticket %d and deleted here. Its conversation is kept only there; notes added here are forwarded to it.", origin, secureID)
	clean := TicketInput{Subject: &subject, Status: &hold, ExternalID: &ext, TicketFormID: in.TicketFormID, Via: in.Via,
		Comment: &CommentInput{Body: note, Public: &private},
		Tags:    &[]string{peer.TagStubRequiresSync, peer.TagHasSecureID, peer.TagEscalatedToSecure}}
	if group != 0 && groupName != "" {
		clean.GroupID = &group
	}
	if requester != 0 {
		clean.RequesterID = &requester
	}
	return clean, nil
}

// checkStubValues keeps what the secure side writes into stub fields to short
// single lines: an email, a group name, a status, a category.
func checkStubValues(fields []model.FieldValue, ids map[string]int64) error {
	for _, f := range fields {
		if !peer.FieldValueOK(f.Value) {
			return peerInvalid("custom_fields", "field %d: a stub field takes one short line (at most %d bytes)", f.ID, peer.MaxFieldValue)
		}
		if f.ID == ids[peer.FieldSecureStatus] && f.Value != "" && !model.Status(f.Value).Valid() {
			return peerInvalid("custom_fields", "field %d: %q is not a status", f.ID, f.Value)
		}
		isEmail := f.ID == ids[peer.FieldSecureAssignee] || f.ID == ids[peer.FieldEscalatedBy]
		if isEmail && f.Value != "" && !validEmail(f.Value) {
			return peerInvalid("custom_fields", "field %d: %q is not an email address", f.ID, f.Value)
		}
	}
	return nil
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

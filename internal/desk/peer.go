package desk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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

// peerUpdate turns a peer's update of ticket id into the part it may make, or
// refuses it. Only tickets linked by an escalation can be changed; others are
// not found, as if they didn't exist.
func (s *Service) peerUpdate(ctx context.Context, tx *store.Tx, id int64, in TicketInput) (TicketInput, error) {
	l, err := tx.Link(ctx, id)
	if isNotFound(err) {
		return TicketInput{}, fmt.Errorf("desk: peer: ticket %d has no escalation link: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return TicketInput{}, err
	}
	if s.confidential {
		return s.peerUpdateEscalated(ctx, tx, l, in)
	}
	return s.peerUpdateStub(ctx, tx, in)
}

// peerUpdateEscalated allows standard to name the stub once and to add private
// notes.
func (s *Service) peerUpdateEscalated(ctx context.Context, tx *store.Tx, l model.EscalationLink, in TicketInput) (TicketInput, error) {
	if refused := refusedChanges(in, "external_id", "additional_tags", "comment"); len(refused) > 0 {
		return TicketInput{}, peerInvalid(refused[0], "the standard instance may only name the stub and add private notes, not change %s", strings.Join(refused, ", "))
	}
	clean := TicketInput{Via: in.Via}
	if in.ExternalID != nil {
		stub, ok := peer.SingleID(*in.ExternalID)
		if !ok {
			return TicketInput{}, peerInvalid("external_id", "the stub id must be one id, got %q", *in.ExternalID)
		}
		if err := tx.SetLinkPeer(ctx, l.TicketID, stub); errors.Is(err, model.ErrConflict) {
			return TicketInput{}, peerInvalid("external_id", "ticket %d is already linked to stub %d", l.TicketID, l.PeerID)
		} else if err != nil {
			return TicketInput{}, err
		}
		clean.ExternalID = in.ExternalID
	}
	for _, tag := range NormalizeTags(in.AdditionalTags) {
		if tag != peer.TagHasStandardID || (in.ExternalID == nil && l.PeerID == 0) {
			return TicketInput{}, peerInvalid("additional_tags", "the standard instance may only add %s, with the stub id", peer.TagHasStandardID)
		}
		clean.AdditionalTags = []string{peer.TagHasStandardID}
	}
	if in.Comment != nil {
		private := false
		// Its files: uploads the peer made itself (attachUploads checks the owner).
		clean.Comment = &CommentInput{Body: in.Comment.Body, Public: &private, Uploads: in.Comment.Uploads}
	}
	return clean, nil
}

// peerUpdateStub allows secure to keep the stub's sync fields in step and to
// close it.
func (s *Service) peerUpdateStub(ctx context.Context, tx *store.Tx, in TicketInput) (TicketInput, error) {
	if refused := refusedChanges(in, "status", "custom_fields"); len(refused) > 0 {
		return TicketInput{}, peerInvalid(refused[0], "the secure instance may only update a stub's secure fields and close it, not change %s", strings.Join(refused, ", "))
	}
	if in.Status != nil && *in.Status != string(model.StatusClosed) {
		return TicketInput{}, peerInvalid("status", "the secure instance may only close a stub, not set it to %q", *in.Status)
	}
	ids, err := s.fieldIDs(ctx, tx)
	if err != nil {
		return TicketInput{}, err
	}
	fields, refused := keepFields(in.CustomFields, ids, peer.StubSyncFields)
	if len(refused) > 0 {
		return TicketInput{}, peerInvalid("custom_fields", "fields %s may not be set by the secure instance", strings.Join(refused, ", "))
	}
	if err := checkStubValues(fields, ids); err != nil {
		return TicketInput{}, err
	}
	return TicketInput{Status: in.Status, CustomFields: fields, Via: in.Via}, nil
}

// refusedChanges lists the parts of in that are set and not in allowed.
func refusedChanges(in TicketInput, allowed ...string) []string {
	set := map[string]bool{
		"subject": in.Subject != nil, "comment": in.Comment != nil, "status": in.Status != nil,
		"priority": in.Priority != nil, "type": in.Type != nil,
		"requester": in.RequesterID != nil || in.Requester != nil, "submitter": in.SubmitterID != nil || in.Submitter != nil,
		"assignee": in.AssigneeID != nil || in.AssigneeEmail != nil, "group_id": in.GroupID != nil,
		"tags": in.Tags != nil, "additional_tags": len(in.AdditionalTags) > 0, "remove_tags": len(in.RemoveTags) > 0,
		"external_id": in.ExternalID != nil, "custom_fields": len(in.CustomFields) > 0, "ticket_form_id": in.TicketFormID != nil,
		"email_ccs": !in.CCs.empty(),
	}
	var refused []string
	for name, isSet := range set {
		if isSet && !slices.Contains(allowed, name) {
			refused = append(refused, name)
		}
	}
	slices.Sort(refused)
	return refused
}

// checkReservedTags refuses a change by hand (an agent, admin or end user) that
// adds or removes one of the recipe's tags, or repoints a linked ticket's
// external id. Triggers may still set them: they are the admin's configuration,
// and the peer's checks no longer trust tags anyway.
func checkReservedTags(actor model.User, before, t *model.Ticket, v *model.ValidationError) {
	if isPeer(actor) {
		return
	}
	var prev []string
	if before != nil {
		prev = before.Tags
	}
	if changed := peer.ReservedChange(prev, t.Tags); len(changed) > 0 {
		v.Add("tags", "InvalidValue", "Tags: %s %s reserved for the escalation between instances and can't be added or removed by hand",
			strings.Join(changed, ", "), isOrAre(len(changed)))
	}
	if before != nil && before.ExternalID != t.ExternalID && (before.HasTag(peer.TagHasSecureID) || before.HasTag(peer.TagHasStandardID)) {
		v.Add("external_id", "InvalidValue", "External ID: it links this ticket to the other instance and can't be changed by hand")
	}
}

func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// errInFlight refuses a change to a ticket whose escalation is being delivered:
// it is about to be deleted here, so the change would reach neither side.
func errInFlight(id int64) error {
	return model.Invalid("base", "InvalidValue", "Ticket %d is being escalated to the secure instance and can't be changed any more; add your note on its stub once it appears (search for the old number)", id)
}

// peerMayDelete reports whether a peer may delete or purge ticket id: only a
// ticket this (standard) instance is escalating, live or soft-deleted.
func (s *Service) peerMayDelete(ctx context.Context, tx *store.Tx, id int64) error {
	if s.confidential {
		return fmt.Errorf("desk: peer: delete ticket %d: %w", id, model.ErrForbidden)
	}
	o, err := tx.Origin(ctx, id)
	if err != nil {
		return err
	}
	if !slices.Contains(o.Tags, peer.TagEscalationInFlight) {
		return fmt.Errorf("desk: peer: ticket %d is not being escalated: %w", id, model.ErrNotFound)
	}
	return nil
}

// peerUserChange applies an update of a peer identity's user: an admin may
// suspend or reactivate it, nothing else. Promoting it would turn the credential
// the other instance holds into an admin's; renaming it would hide whose it is.
func peerUserChange(actor model.User, u *model.User, in UserInput) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if in.Name != nil || in.Email != nil || in.Role != nil || in.ExternalID != nil {
		return model.Invalid("role", "InvalidValue", "Role: %s is a peer identity; it can only be suspended or reactivated (reissue it with twindesk escalation setup --rotate)", u.Email)
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	return nil
}

var peerNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

// IssuePeerToken creates the peer identity name (lower-case letters, digits and
// dashes) if it doesn't exist, revokes its earlier tokens and returns a new one.
// Admins only: it is how `twindesk escalation setup` gives each instance a
// credential for the other that can make only the recipe's calls.
func (s *Service) IssuePeerToken(ctx context.Context, actor model.User, name string) (model.User, string, error) {
	if err := requireAdmin(actor); err != nil {
		return model.User{}, "", err
	}
	if !peerNameRE.MatchString(name) {
		return model.User{}, "", model.Invalid("name", "InvalidValue", "Name: %q must be lower-case letters, digits and dashes", name)
	}
	token, digest, err := newToken()
	if err != nil {
		return model.User{}, "", err
	}
	var u model.User
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		u, err = tx.UserByEmail(ctx, peer.Email(name))
		if isNotFound(err) {
			now := s.clock()
			u = model.User{Name: "Peer instance (" + name + ")", Email: peer.Email(name), Role: model.RolePeer, Active: true, CreatedAt: now, UpdatedAt: now}
			u.ID, err = tx.CreateUser(ctx, u)
		}
		if err != nil {
			return err
		}
		if u.Role != model.RolePeer {
			return model.Invalid("name", "InvalidValue", "Name: %s belongs to a %s, not a peer identity", u.Email, u.Role)
		}
		if err := tx.DeleteUserTokens(ctx, u.ID); err != nil {
			return err
		}
		return tx.CreateToken(ctx, u.ID, digest, s.clock().Unix())
	})
	if err == nil {
		s.auth.clear() // the revoked tokens must stop working now, not in authTTL
	}
	return u, token, err
}

// NumberCandidates returns the tickets an agent may mean by number n: on a
// secure instance, the ticket escalated from standard ticket n (callers quote
// the number they were given before the escalation) and the secure ticket n;
// elsewhere the ticket n. Staff only; missing ones are left out.
func (s *Service) NumberCandidates(ctx context.Context, actor model.User, n int64) ([]model.Ticket, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	read := s.db.Read()
	var out []model.Ticket
	if s.confidential {
		l, err := read.LinkByOrigin(ctx, n)
		switch {
		case err == nil:
			if t, err := read.Ticket(ctx, l.TicketID); err == nil {
				out = append(out, t)
			} else if !isNotFound(err) {
				return nil, err
			}
		case !isNotFound(err):
			return nil, err
		}
	}
	t, err := read.Ticket(ctx, n)
	if err == nil && (len(out) == 0 || out[0].ID != t.ID) {
		out = append(out, t)
	} else if err != nil && !isNotFound(err) {
		return nil, err
	}
	return s.visibleTickets(ctx, actor, out)
}

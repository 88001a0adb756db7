package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// What the peer may change on a linked ticket, delete, or do to a user.

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

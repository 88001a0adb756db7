package desk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// The escalation as an import (issue 18): standard forwards the whole ticket
// through the Ticket Import API, each comment with its author, public flag, time
// and files, instead of one note pasted together. This is the secure side: the
// peer may import exactly one ticket per standard ticket, with the recipe's
// fields and tags only, and its comments' authors are decided here, never taken
// from ids the peer sends.

// standardAuthorDomain holds the users that stand for the people of the standard
// instance (IT agents): an .invalid domain receives no mail, so such a user can
// never set a password, sign in or be notified.
const standardAuthorDomain = "standard.twindesk.invalid"

// standardAuthorPrefix marks those users' names, so HR sees who wrote a comment
// and that they work on the other instance.
const standardAuthorPrefix = "standard: "

// ImportEscalated is the peer's POST /api/v2/imports/tickets on the secure
// instance: the escalated ticket with its whole conversation, the escalation link
// recorded in the same transaction, and the triggers of a create run (the stub is
// made by one), which an admin's import doesn't. idemKey replays the ticket a
// retried forward already created, as CreateTicket does.
func (s *Service) ImportEscalated(ctx context.Context, actor model.User, in ImportInput, idemKey string) (TicketResult, error) {
	if !isPeer(actor) || !s.confidential {
		return TicketResult{}, fmt.Errorf("desk: import escalated ticket as %s: %w", actor.Role, model.ErrForbidden)
	}
	res, err := s.importEscalatedOnce(ctx, actor, in, idemKey)
	if errors.Is(err, errKeyTaken) {
		res, err = s.importEscalatedOnce(ctx, actor, in, idemKey)
	}
	return res, err
}

func (s *Service) importEscalatedOnce(ctx context.Context, actor model.User, in ImportInput, idemKey string) (TicketResult, error) {
	var res TicketResult
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		since := s.clock().Add(-idempotencyWindow)
		if idemKey != "" {
			id, err := tx.IdempotentTicket(ctx, actor.ID, idemKey, since)
			if err == nil {
				res.Replayed = true
				res.Ticket, err = tx.Ticket(ctx, id)
				return err
			}
			if !isNotFound(err) {
				return err
			}
		}
		var err error
		if res, err = s.importEscalated(ctx, tx, actor, in); err != nil || idemKey == "" {
			return err
		}
		err = tx.SaveIdempotencyKey(ctx, actor.ID, idemKey, res.Ticket.ID, s.clock(), since)
		if errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("desk: import escalated ticket: %w", errKeyTaken)
		}
		return err
	})
	return res, err
}

func (s *Service) importEscalated(ctx context.Context, tx *store.Tx, actor model.User, in ImportInput) (TicketResult, error) {
	ids, err := s.fieldIDs(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	raw, _ := fieldValue(in.Ticket.CustomFields, ids[peer.FieldStandardTicket])
	origin, ok := peer.SingleID(raw)
	if !ok {
		return TicketResult{}, peerInvalid("custom_fields", "an escalated ticket must name its standard ticket (field %q) as one id, got %q", peer.FieldStandardTicket, raw)
	}
	if l, err := tx.LinkByOrigin(ctx, origin); err == nil {
		return TicketResult{}, peerInvalid("custom_fields", "standard ticket %d was already escalated as ticket %d", origin, l.TicketID)
	} else if !isNotFound(err) {
		return TicketResult{}, err
	}
	fields, refused := keepFields(in.Ticket.CustomFields, ids, peer.EscalatedCreateFields)
	if len(refused) > 0 {
		return TicketResult{}, peerInvalid("custom_fields", "fields %s may not be set by the standard instance", strings.Join(refused, ", "))
	}
	req := in.Ticket.Requester
	if req == nil || !validEmail(strings.ToLower(strings.TrimSpace(req.Email))) {
		return TicketResult{}, peerInvalid("requester", "an escalated ticket names its requester by name and email")
	}
	comments, err := s.escalatedComments(ctx, tx, in.Comments, req.Email)
	if err != nil {
		return TicketResult{}, err
	}
	if now := s.clock(); in.CreatedAt.After(now) {
		in.CreatedAt = now // clocks differ a little, as for comments
	}
	clean := ImportInput{CreatedAt: in.CreatedAt, Comments: comments, Ticket: TicketInput{Subject: in.Ticket.Subject,
		Requester: req, GroupID: in.Ticket.GroupID, CustomFields: fields, Via: in.Ticket.Via,
		Tags: &[]string{peer.TagEscalatedFromStd, peer.TagStubRequired}}}
	res, err := s.importTicket(ctx, tx, actor, clean)
	if err != nil {
		return res, err
	}
	if err := tx.AddLink(ctx, model.EscalationLink{TicketID: res.Ticket.ID, OriginID: origin, CreatedAt: s.clock()}); err != nil {
		return res, err
	}
	return res, s.fireImported(ctx, tx, actor, &res.Ticket)
}

// escalatedComments decides each comment's author from the email the peer sent:
// the ticket's requester is the requester here too (found or created by email);
// anyone else (IT agents, mostly) becomes a "standard: <name>" user without any
// rights here, so the peer can't make a comment look written by an HR agent.
// author_id names a user of the standard instance, meaningless here: refused.
func (s *Service) escalatedComments(ctx context.Context, tx *store.Tx, in []ImportComment, requesterEmail string) ([]ImportComment, error) {
	requesterEmail = strings.ToLower(strings.TrimSpace(requesterEmail))
	out := make([]ImportComment, len(in))
	now := s.clock()
	for i, c := range in {
		if c.CreatedAt.After(now) {
			// The two instances' clocks differ a little: a note written just before
			// the forward may look a moment ahead here, which an import refuses.
			c.CreatedAt = now
		}
		if c.AuthorID != 0 || c.Author == nil {
			return nil, peerInvalid(fmt.Sprintf("comments[%d].author", i), "comment %d: the standard instance names a comment's author by name and email, not by id", i)
		}
		out[i] = ImportComment{Body: c.Body, Public: c.Public, CreatedAt: c.CreatedAt, Uploads: c.Uploads}
		if strings.EqualFold(strings.TrimSpace(c.Author.Email), requesterEmail) {
			out[i].Author = &RequesterInput{Email: requesterEmail, Name: c.Author.Name}
			continue
		}
		u, err := s.standardAuthor(ctx, tx, c.Author.Name, c.Author.Email)
		if err != nil {
			return nil, err
		}
		out[i].AuthorID = u.ID
	}
	return out, nil
}

// standardAuthor finds or creates the end user that stands for a person of the
// standard instance. Its email is derived from theirs (one user per person
// across escalations) in a domain that receives no mail, and its name says where
// they work.
func (s *Service) standardAuthor(ctx context.Context, tx *store.Tx, name, email string) (model.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	key := email
	if !validEmail(email) {
		// A user without an address (one known by phone): by name, so the
		// forward doesn't fail for good over it.
		key = "name:" + name
	}
	sum := sha256.Sum256([]byte(key))
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if name == "" {
		name = "unknown"
	}
	now := s.clock()
	return tx.FindOrCreateUser(ctx, model.User{Name: standardAuthorPrefix + name,
		Email: "std-" + hex.EncodeToString(sum[:10]) + "@" + standardAuthorDomain,
		Role:  model.RoleEndUser, Active: true, CreatedAt: now, UpdatedAt: now})
}

// fireImported runs the triggers of a create on the imported ticket t: on the
// secure instance "Escalation: create stub" fires on it, as it did on the
// ticket the peer used to create. Their changes are saved with one audit.
func (s *Service) fireImported(ctx context.Context, tx *store.Tx, actor model.User, t *model.Ticket) error {
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return err
	}
	before := t.Clone()
	ch := &model.Change{After: t, Actor: actor}
	fired := snap.fire(ch)
	if len(fired.Events) > 0 {
		if err := tx.UpdateTicket(ctx, &before, t); err != nil {
			return err
		}
		audit := model.Audit{TicketID: t.ID, AuthorID: actor.ID, Via: viaImport, CreatedAt: s.clock(), Events: fired.Events}
		if _, err := tx.AddAudit(ctx, &audit); err != nil {
			return err
		}
		if err := s.indexChange(ctx, tx, &before, t, nil); err != nil {
			return err
		}
	}
	// Mail triggers run too: the requester hears from secure's address that
	// their ticket moved (issue 17), as when the peer created the ticket. What
	// that allows a holder of the peer credential is in docs/confidentiality.md.
	return s.notify(ctx, tx, snap, ch, fired)
}

// ForgetForwarded deletes, in tx, the files ids of ticket ticketID that the
// escalation delivered to the secure instance (a stub's note's), with their
// thumbnails: on standard they are purged once delivered (issue 18 point 6).
// Ids of another ticket are skipped. Bytes the store can't delete in tx are
// owed; PayBlobDeletes removes them after the commit.
func (s *Service) ForgetForwarded(ctx context.Context, tx *store.Tx, ticketID int64, ids []int64) error {
	for _, id := range ids {
		a, err := tx.Attachment(ctx, id)
		if isNotFound(err) || (err == nil && a.TicketID != ticketID) {
			continue
		}
		if err != nil {
			return err
		}
		thumbs, err := tx.ThumbnailsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, f := range append(thumbs, a) {
			if err := s.deleteAttachmentTx(ctx, tx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// idempotencyWindow is how long an Idempotency-Key on ticket creation is honoured.
const idempotencyWindow = 2 * time.Hour

// ErrStale is returned by a safe update when the ticket changed since the caller read it.
var ErrStale = errors.New("ticket changed since updated_stamp")

// TicketResult is what a create or update produced.
type TicketResult struct {
	Ticket model.Ticket
	Audit  model.Audit
	// Replayed is set when an Idempotency-Key matched an earlier create: nothing new
	// was written and Ticket is the one created then.
	Replayed bool
}

// CreateTicket creates a ticket with its first comment. When idemKey is not empty
// and the same user created a ticket with it in the last two hours, that ticket is
// returned and nothing is written.
func (s *Service) CreateTicket(ctx context.Context, actor model.User, in TicketInput, idemKey string) (TicketResult, error) {
	res, err := s.createIdempotent(ctx, actor, in, idemKey)
	if errors.Is(err, errKeyTaken) {
		// A concurrent request with the same key committed first (PostgreSQL runs
		// writers concurrently): run again, which now finds and replays its ticket.
		res, err = s.createIdempotent(ctx, actor, in, idemKey)
	}
	return res, err
}

// errKeyTaken reports that another transaction saved the Idempotency-Key first.
var errKeyTaken = errors.New("idempotency key taken by a concurrent request")

func (s *Service) createIdempotent(ctx context.Context, actor model.User, in TicketInput, idemKey string) (TicketResult, error) {
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
		create := s.createTicket
		if isPeer(actor) {
			create = s.peerCreate
		}
		if res, err = create(ctx, tx, actor, in); err != nil {
			return err
		}
		if idemKey == "" {
			return nil
		}
		err = tx.SaveIdempotencyKey(ctx, actor.ID, idemKey, res.Ticket.ID, s.clock(), since)
		if errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("desk: create ticket: %w", errKeyTaken)
		}
		return err
	})
	return res, err
}

func (s *Service) createTicket(ctx context.Context, tx *store.Tx, actor model.User, in TicketInput) (TicketResult, error) {
	now := s.clock()
	t := model.Ticket{Status: model.StatusNew, RequesterID: actor.ID, SubmitterID: actor.ID, Via: viaOr(in.Via), CreatedAt: now, UpdatedAt: now}
	v := &model.ValidationError{}
	if in.Comment == nil || in.Comment.Body == "" {
		v.Add("base", "BlankValue", "Description: cannot be blank")
	}
	if !shapesTickets(actor) {
		in = endUserCreate(in)
	}
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	in.applyScalars(&t, v)
	if err := s.resolvePeople(ctx, tx, &in, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyCollaborators(ctx, tx, &in.CCs, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.resolveOrganization(ctx, tx, &in, nil, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyFields(ctx, tx, snap, &in, nil, &t, v); err != nil {
		return TicketResult{}, err
	}
	statusRules(nil, &t, actor, v)
	checkReservedTags(actor, nil, &t, v)
	if err := v.OrNil(); err != nil {
		return TicketResult{}, err
	}
	t.Description = in.Comment.Body
	return s.commitComment(ctx, tx, snap, actor, nil, &t, in.Comment, t.Via, now)
}

// endUserCreate keeps only what an end user may set on their own request.
func endUserCreate(in TicketInput) TicketInput {
	out := TicketInput{Subject: in.Subject, Comment: in.Comment, CustomFields: in.CustomFields, TicketFormID: in.TicketFormID, Via: in.Via}
	if out.Comment != nil {
		pub := true
		out.Comment.Public = &pub
	}
	return out
}

func viaOr(via string) string {
	if via == "" {
		return "api"
	}
	return via
}

func (s *Service) newComment(actor model.User, in *CommentInput, via string, now time.Time) *model.Comment {
	if in == nil || in.Body == "" {
		return nil
	}
	c := &model.Comment{AuthorID: actor.ID, Body: in.Body, Public: true, Via: via, CreatedAt: now}
	if in.Public != nil && shapesTickets(actor) { // end users only write public replies
		c.Public = *in.Public
	}
	if in.AuthorID != 0 && actor.Role.IsStaff() {
		c.AuthorID = in.AuthorID
	}
	return c
}

// UpdateTicket applies in to ticket id: fields, tags, comment, then triggers.
func (s *Service) UpdateTicket(ctx context.Context, actor model.User, id int64, in TicketInput) (TicketResult, error) {
	var res TicketResult
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = s.updateTicket(ctx, tx, actor, id, in)
		return err
	})
	return res, err
}

func (s *Service) updateTicket(ctx context.Context, tx *store.Tx, actor model.User, id int64, in TicketInput) (TicketResult, error) {
	t, err := tx.TicketForUpdate(ctx, id)
	if err != nil {
		return TicketResult{}, err
	}
	if in, err = s.mayUpdate(ctx, tx, actor, &t, in); err != nil {
		return TicketResult{}, err
	}
	if !shapesTickets(actor) {
		in = TicketInput{Comment: in.Comment, Via: in.Via}
	}
	if !in.UpdatedStamp.IsZero() && !t.UpdatedAt.Truncate(time.Second).Equal(in.UpdatedStamp.Truncate(time.Second)) {
		return TicketResult{}, fmt.Errorf("desk: ticket %d: %w", id, ErrStale)
	}
	before := t.Clone()
	if t.Status == model.StatusClosed {
		return TicketResult{}, model.Invalid("status", "InvalidValue", "Status: closed prevents ticket update")
	}
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return TicketResult{}, err
	}
	v := &model.ValidationError{}
	in.applyScalars(&t, v)
	if err := s.resolvePeople(ctx, tx, &in, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyCollaborators(ctx, tx, &in.CCs, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.resolveOrganization(ctx, tx, &in, &before, &t, v); err != nil {
		return TicketResult{}, err
	}
	if err := s.applyFields(ctx, tx, snap, &in, &before, &t, v); err != nil {
		return TicketResult{}, err
	}
	statusRules(&before, &t, actor, v)
	checkReservedTags(actor, &before, &t, v)
	if err := v.OrNil(); err != nil {
		return TicketResult{}, err
	}
	now := s.clock()
	t.UpdatedAt = now
	return s.commitComment(ctx, tx, snap, actor, &before, &t, in.Comment, viaOr(in.Via), now)
}

// mayUpdate checks that actor may change t and returns the part of in it may
// make. A peer reads nothing and changes only tickets linked by an escalation.
func (s *Service) mayUpdate(ctx context.Context, tx *store.Tx, actor model.User, t *model.Ticket, in TicketInput) (TicketInput, error) {
	if isPeer(actor) {
		return s.peerUpdate(ctx, tx, t.ID, in)
	}
	if err := s.canSee(ctx, tx, actor, t); err != nil {
		return in, err
	}
	if !t.HasTag(peer.TagEscalationInFlight) {
		return in, nil
	}
	// A ticket whose escalation failed for good may be changed again (and retried).
	failed, err := s.escalationFailed(ctx, tx, t.ID)
	if err != nil {
		return in, err
	}
	if !failed {
		return in, errInFlight(t.ID)
	}
	return in, nil
}

// canSee enforces that end users only touch tickets they requested, and agents
// only tickets outside the private groups they are not in (private_groups.go).
// tx, when not nil, is the transaction the check reads in.
func (s *Service) canSee(ctx context.Context, tx *store.Tx, actor model.User, t *model.Ticket) error {
	if !actor.Role.IsStaff() && t.RequesterID != actor.ID {
		return fmt.Errorf("desk: ticket %d: %w", t.ID, model.ErrNotFound)
	}
	var q *store.Queries
	if tx != nil {
		q = &tx.Queries
	}
	return s.groupHidden(ctx, q, actor, t.ID, t.GroupID)
}

// commitChange runs the triggers of snap on the change, then writes the ticket,
// the audit with every event, and the comment, all in tx.
// via is the channel of this change (the audit's), not the ticket's own, which
// stays how it was created.
func (s *Service) commitChange(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, actor model.User, before, t *model.Ticket, c *model.Comment, via string) (TicketResult, error) {
	return s.commitChangeWith(ctx, tx, snap, actor, before, t, c, via, nil)
}

// commitChangeWith is commitChange where attach, when set, gives the new
// comment its files right after the comment is written and before the
// notifications are built, so a notification mail can carry them.
func (s *Service) commitChangeWith(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, actor model.User, before, t *model.Ticket, c *model.Comment, via string, attach func(*model.Comment) error) (TicketResult, error) {
	// Events of the request itself are taken before triggers run; trigger changes
	// come back from the loop as their own events, marked with the trigger id.
	events := fieldEvents(before, t)
	ch := &model.Change{Before: before, After: t, Comment: c, Actor: actor}
	fired := snap.fire(ch)
	events = append(events, fired.Events...)
	if c != nil {
		pub := c.Public
		events = append(events, model.AuditEvent{Type: "Comment", Body: c.Body, Public: &pub, AuthorID: c.AuthorID})
	}
	if before != nil && len(events) == 0 {
		return TicketResult{Ticket: *before}, nil // nothing changed: no audit, as Zendesk
	}
	// A new ticket is inserted only now, after the triggers shaped it: one write
	// instead of an insert and an update. Nothing before this point needs its id.
	if err := s.saveTicket(ctx, tx, before, t); err != nil {
		return TicketResult{}, err
	}
	audit := model.Audit{TicketID: t.ID, AuthorID: actor.ID, Via: via, CreatedAt: t.UpdatedAt, Events: events}
	var err error
	if audit.ID, err = tx.AddAudit(ctx, &audit); err != nil {
		return TicketResult{}, err
	}
	if c != nil {
		c.TicketID, c.AuditID = t.ID, audit.ID
		if c.ID, err = tx.AddComment(ctx, c); err != nil {
			return TicketResult{}, err
		}
		if attach != nil {
			if err := attach(c); err != nil {
				return TicketResult{}, err
			}
		}
	}
	if err := s.indexChange(ctx, tx, before, t, c); err != nil {
		return TicketResult{}, err
	}
	if err := s.trackSLA(ctx, tx, snap, before, t, c, actor); err != nil {
		return TicketResult{}, err
	}
	if err := s.notify(ctx, tx, snap, ch, fired); err != nil {
		return TicketResult{}, err
	}
	return TicketResult{Ticket: *t, Audit: audit}, nil
}

// DeleteTicket soft-deletes a ticket; it can be restored until purged.
func (s *Service) DeleteTicket(ctx context.Context, actor model.User, id int64) error {
	if err := requireStaffOrPeer(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if isPeer(actor) {
			if err := s.peerMayDelete(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, id); err != nil {
			return err
		}
		return tx.SoftDeleteTicket(ctx, id, actor.ID, s.clock())
	})
}

// Ticket loads a ticket the actor may see.
func (s *Service) Ticket(ctx context.Context, actor model.User, id int64) (model.Ticket, error) {
	t, err := s.db.Read().Ticket(ctx, id)
	if err != nil {
		return t, err
	}
	return t, s.canSee(ctx, nil, actor, &t)
}

func (s *Service) saveTicket(ctx context.Context, tx *store.Tx, before, t *model.Ticket) error {
	if before != nil {
		return tx.UpdateTicket(ctx, before, t)
	}
	id, err := tx.CreateTicket(ctx, t)
	t.ID = id
	return err
}

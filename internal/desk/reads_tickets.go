package desk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// The reads of this file are the only way api and web see tickets and what hangs
// off them (comments, audits, attachments, SLA targets): each takes the actor
// and applies its permissions, so who may see what is decided in one place.

// Tickets lists the live tickets of f the actor may see, one page at a time;
// count is the total of f when counting, -1 otherwise.
func (s *Service) Tickets(ctx context.Context, actor model.User, f store.TicketFilter, p store.Page, counting bool) ([]model.Ticket, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	var err error
	if f.HiddenGroups, err = s.hiddenGroups(ctx, nil, actor); err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	rows, err := read.ListTickets(ctx, f, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := read.CountTickets(ctx, f)
	return rows, n, err
}

// TicketsByIDs loads the live tickets with these ids that the actor may see,
// by id; the others are left out as if they did not exist.
func (s *Service) TicketsByIDs(ctx context.Context, actor model.User, ids []int64) ([]model.Ticket, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().TicketsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.visibleTickets(ctx, actor, rows)
}

// CountTickets counts the live tickets of f the actor may see.
func (s *Service) CountTickets(ctx context.Context, actor model.User, f store.TicketFilter) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	var err error
	if f.HiddenGroups, err = s.hiddenGroups(ctx, nil, actor); err != nil {
		return 0, err
	}
	return s.db.Read().CountTickets(ctx, f)
}

// Comments lists a ticket's comments one page at a time; count is -1 unless
// counting. End users get public comments only, and learn neither from counts
// nor from page sizes that there are others.
func (s *Service) Comments(ctx context.Context, actor model.User, ticketID int64, p store.Page, counting bool) ([]model.Comment, int64, error) {
	if _, err := s.Ticket(ctx, actor, ticketID); err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	list, countAll := read.Comments, read.CountComments
	if !actor.Role.IsStaff() {
		list, countAll = read.PublicComments, read.CountPublicComments
	}
	rows, err := list(ctx, ticketID, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := countAll(ctx, ticketID)
	return rows, n, err
}

// Audits lists a ticket's audits one page at a time, for staff; count is -1
// unless counting.
func (s *Service) Audits(ctx context.Context, actor model.User, ticketID int64, p store.Page, counting bool) ([]model.Audit, int64, error) {
	if err := s.staffSees(ctx, actor, ticketID); err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	rows, err := read.Audits(ctx, ticketID, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := read.CountAudits(ctx, ticketID)
	return rows, n, err
}

// Audit loads one audit of a ticket, for staff.
func (s *Service) Audit(ctx context.Context, actor model.User, ticketID, auditID int64) (model.Audit, error) {
	if err := s.staffSees(ctx, actor, ticketID); err != nil {
		return model.Audit{}, err
	}
	return s.db.Read().Audit(ctx, ticketID, auditID)
}

// CountAudits counts a ticket's audits, for staff.
func (s *Service) CountAudits(ctx context.Context, actor model.User, ticketID int64) (int64, error) {
	if err := s.staffSees(ctx, actor, ticketID); err != nil {
		return 0, err
	}
	return s.db.Read().CountAudits(ctx, ticketID)
}

// staffSees checks that actor is staff and may see the ticket.
func (s *Service) staffSees(ctx context.Context, actor model.User, ticketID int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	_, err := s.Ticket(ctx, actor, ticketID)
	return err
}

// CommentAttachments lists the attachments of these comments of a ticket the
// actor may see. Files of other tickets' comments are left out, so a list of
// ids can't reach past the ticket that was checked.
func (s *Service) CommentAttachments(ctx context.Context, actor model.User, ticketID int64, commentIDs []int64) ([]model.Attachment, error) {
	if _, err := s.Ticket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	list, err := s.db.Read().CommentAttachments(ctx, commentIDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(a model.Attachment) bool {
		return a.TicketID != ticketID || (!actor.Role.IsStaff() && !a.CommentPublic)
	}), nil
}

// AuditAttachments returns, by audit id, the attachments of the comments these
// audits of a ticket the actor may see wrote (an end user's: public ones only).
func (s *Service) AuditAttachments(ctx context.Context, actor model.User, ticketID int64, auditIDs []int64) (map[int64][]model.Attachment, error) {
	if _, err := s.Ticket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	byAudit, err := s.db.Read().AuditsAttachments(ctx, auditIDs)
	if err != nil {
		return nil, err
	}
	for id, list := range byAudit {
		byAudit[id] = slices.DeleteFunc(list, func(a model.Attachment) bool {
			return a.TicketID != ticketID || (!actor.Role.IsStaff() && !a.CommentPublic)
		})
	}
	return byAudit, nil
}

// OpenUploads lists the actor's own files of an upload token not yet attached
// to a comment: what a refused form keeps for its next submit.
func (s *Service) OpenUploads(ctx context.Context, actor model.User, token string) ([]model.Attachment, error) {
	list, err := s.db.Read().UploadAttachments(ctx, token)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(a model.Attachment) bool { return a.UploaderID != actor.ID || a.CommentID != 0 }), nil
}

// DeletedTickets lists soft-deleted tickets not yet purged, for staff; count is
// -1 unless counting.
func (s *Service) DeletedTickets(ctx context.Context, actor model.User, p store.Page, counting bool) ([]model.DeletedTicket, int64, error) {
	if err := requireStaff(actor); err != nil {
		return nil, 0, err
	}
	hidden, err := s.hiddenGroups(ctx, nil, actor)
	if err != nil {
		return nil, 0, err
	}
	read := s.db.Read()
	rows, err := read.DeletedTickets(ctx, hidden, p)
	if err != nil || !counting {
		return rows, -1, err
	}
	n, err := read.CountDeletedTickets(ctx, hidden)
	return rows, n, err
}

// ListTickets lists one sorted page of the tickets of f the actor may see.
func (s *Service) ListTickets(ctx context.Context, actor model.User, f store.ViewFilter, sort store.ViewSort, limit, offset int) ([]model.Ticket, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var err error
	if f.HiddenGroups, err = s.hiddenGroups(ctx, nil, actor); err != nil {
		return nil, err
	}
	return s.db.Read().ViewTickets(ctx, f, sort, limit, offset)
}

// CountListTickets counts the tickets of f the actor may see.
func (s *Service) CountListTickets(ctx context.Context, actor model.User, f store.ViewFilter) (int64, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	var err error
	if f.HiddenGroups, err = s.hiddenGroups(ctx, nil, actor); err != nil {
		return 0, err
	}
	return s.db.Read().CountViewTickets(ctx, f)
}

// NextBreaches returns, by ticket id, the next open SLA target of each of these
// tickets, for staff.
func (s *Service) NextBreaches(ctx context.Context, actor model.User, ids []int64) (map[int64]model.SLATarget, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().NextBreaches(ctx, ids)
}

// FormSubmitted returns the ticket that a form the actor submitted under key
// within the last window saved, or model.ErrNotFound.
func (s *Service) FormSubmitted(ctx context.Context, actor model.User, key string, window time.Duration) (int64, error) {
	return s.db.Read().IdempotentTicket(ctx, actor.ID, key, s.clock().Add(-window))
}

// RememberForm records that the actor's form submitted under key saved ticket
// id; an entry of the key older than window is replaced.
func (s *Service) RememberForm(ctx context.Context, actor model.User, key string, id int64, window time.Duration) error {
	now := s.clock()
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		return tx.SaveIdempotencyKey(ctx, actor.ID, key, id, now, now.Add(-window))
	})
	if err != nil {
		return fmt.Errorf("desk: remember form: %w", err)
	}
	return nil
}

package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

// CommentMessageIDs maps the comments of ticket ticketID that came in by mail
// to the Message-IDs of those mails (without angle brackets), for staff: the
// comments API shows them as metadata.system.message_id, as Zendesk does, so an
// import of this instance can thread replies that name them (mail_moved.go).
// Anyone else gets none.
func (s *Service) CommentMessageIDs(ctx context.Context, actor model.User, ticketID int64) (map[int64]string, error) {
	if !actor.Role.IsStaff() {
		return nil, nil
	}
	if err := s.staffSees(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	return s.db.Read().CommentMessageIDs(ctx, ticketID)
}

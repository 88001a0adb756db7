package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// MakeCommentPrivate turns a comment of a live ticket into a private note, as
// Zendesk's PUT /tickets/{id}/comments/{id}/make_private. Agents and admins
// only; an agent outside a private group meets its tickets' comments as 404.
// The change only narrows who reads the comment, so it fires no triggers and
// adds no audit, as in Zendesk.
func (s *Service) MakeCommentPrivate(ctx context.Context, actor model.User, ticketID, commentID int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		if err := s.groupHidden(ctx, &tx.Queries, actor, ticketID, t.GroupID); err != nil {
			return err
		}
		return tx.MakeCommentPrivate(ctx, ticketID, commentID)
	})
}

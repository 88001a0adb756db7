package desk

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Reading an attachment, with the actor's permission, and redacting one.

// Attachment loads an attachment actor may see (see mayRead), with its
// thumbnails.
func (s *Service) Attachment(ctx context.Context, actor model.User, id int64) (model.Attachment, error) {
	a, err := s.db.Read().Attachment(ctx, id)
	if err != nil {
		return a, err
	}
	if err := s.mayRead(ctx, actor, a); err != nil {
		return a, err
	}
	a.Thumbnails, err = s.db.Read().ThumbnailsOf(ctx, id)
	return a, err
}

// AttachmentByContentToken loads the attachment of a download URL for actor.
func (s *Service) AttachmentByContentToken(ctx context.Context, actor model.User, token string) (model.Attachment, error) {
	a, err := s.db.Read().AttachmentByContentToken(ctx, token)
	if err != nil {
		return a, err
	}
	return a, s.mayRead(ctx, actor, a)
}

// mayRead allows an upload to its uploader only, and an attached file to those
// who see its ticket: for end users, their own tickets' public comments only. The
// peer instance reads nothing. Any refusal is a not-found, so ids and tokens
// can't be probed.
func (s *Service) mayRead(ctx context.Context, actor model.User, a model.Attachment) error {
	notFound := fmt.Errorf("desk: attachment %d: %w", a.ID, model.ErrNotFound)
	switch {
	case isPeer(actor):
		return notFound
	case a.CommentID == 0:
		if a.UploaderID != actor.ID {
			return notFound
		}
		return nil
	case !actor.Role.IsStaff() && !a.CommentPublic:
		return notFound
	}
	if _, err := s.Ticket(ctx, actor, a.TicketID); err != nil {
		return notFound
	}
	return nil
}

// OpenAttachment streams an attachment's bytes; check access first (Attachment).
func (s *Service) OpenAttachment(ctx context.Context, a model.Attachment) (io.ReadCloser, error) {
	if s.blobs == nil || a.BlobID == "" {
		return io.NopCloser(strings.NewReader("")), nil // redacted: an empty file
	}
	return s.blobs.Open(ctx, a.BlobID)
}

// RedactAttachment replaces a comment's attachment by an empty "redacted.txt"
// and deletes its bytes. Agents and admins only.
func (s *Service) RedactAttachment(ctx context.Context, actor model.User, ticketID, commentID, id int64) (model.Attachment, error) {
	if err := requireStaff(actor); err != nil {
		return model.Attachment{}, err
	}
	var out model.Attachment
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Attachment(ctx, id)
		if err != nil {
			return err
		}
		if a.TicketID != ticketID || a.CommentID != commentID || a.CommentID == 0 {
			return fmt.Errorf("desk: attachment %d of comment %d: %w", id, commentID, model.ErrNotFound)
		}
		if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, ticketID); err != nil {
			return err
		}
		if a.BlobID != "" {
			if err := s.deleteBlobTx(ctx, tx, a.BlobID); err != nil {
				return err
			}
		}
		thumbs, err := tx.ThumbnailsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, th := range thumbs {
			if err := s.deleteAttachmentTx(ctx, tx, th); err != nil {
				return err
			}
		}
		if err := tx.RedactAttachment(ctx, id); err != nil {
			return err
		}
		out, err = tx.Attachment(ctx, id)
		return err
	})
	if err != nil {
		return out, err
	}
	s.PayBlobDeletes(ctx)
	return out, nil
}

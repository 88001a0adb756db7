package desk

import (
	"context"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Deleting files: with their ticket's purge, the blob deletes a commit owes,
// and the sweeper of expired uploads.

// purgeAttachments deletes a purged ticket's attachments: rows, and bytes in
// the same transaction (PostgreSQL store) or owed until the file store removed
// them (PayBlobDeletes, right after the commit and then until it succeeds).
func (s *Service) purgeAttachments(ctx context.Context, tx *store.Tx, ticketID int64) error {
	files, err := tx.TicketAttachments(ctx, ticketID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := s.deleteAttachmentTx(ctx, tx, f); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) deleteAttachmentTx(ctx context.Context, tx *store.Tx, a model.Attachment) error {
	if err := tx.DeleteAttachment(ctx, a.ID); err != nil {
		return err
	}
	if a.BlobID == "" {
		return nil
	}
	return s.deleteBlobTx(ctx, tx, a.BlobID)
}

// deleteBlobTx deletes a blob within tx when the store can, else records the
// delete as owed in tx, so a crash after the commit can't forget it.
func (s *Service) deleteBlobTx(ctx context.Context, tx *store.Tx, id string) error {
	if d, ok := s.blobs.(txDeleter); ok {
		return d.DeleteTx(ctx, tx.SQL, id)
	}
	return tx.OweBlobDelete(ctx, id, s.clock())
}

// PayBlobDeletes removes the blobs owed a delete, batch after batch until none
// is left or one fails, and returns how many failed (-1 when the debt can't be
// read). Failures are logged without ticket data and retried by
// SweepAttachments.
func (s *Service) PayBlobDeletes(ctx context.Context) int {
	if s.blobs == nil {
		return 0
	}
	for {
		ids, err := s.db.Read().BlobDeletesOwed(ctx, sweepBatch)
		if err != nil {
			s.log.WarnContext(ctx, "blob deletes owed: can't read them", "err", err)
			return -1
		}
		failed := 0
		for _, id := range ids {
			if !s.payBlobDelete(ctx, id) {
				failed++
			}
		}
		if failed > 0 || len(ids) < sweepBatch || ctx.Err() != nil {
			return failed
		}
	}
}

// payBlobDelete deletes one blob owed and settles the debt; false when the
// delete failed (it stays owed, with one more attempt counted).
func (s *Service) payBlobDelete(ctx context.Context, id string) bool {
	ok := true
	settle := func(tx *store.Tx) error { return tx.BlobDeleted(ctx, id) }
	if err := s.blobs.Delete(ctx, id); err != nil {
		ok = false
		s.log.WarnContext(ctx, "blob delete failed; it stays owed and is retried", "blob", id, "err", err)
		settle = func(tx *store.Tx) error { return tx.BlobDeleteFailed(ctx, id) }
	}
	if err := s.db.WriteTx(ctx, settle); err != nil {
		s.log.WarnContext(ctx, "blob delete owed: can't settle", "blob", id, "err", err)
		return false
	}
	return ok
}

// SweepAttachments deletes uploads no comment took within UploadTTL and pays
// the blob deletes owed.
func (s *Service) SweepAttachments(ctx context.Context) error {
	expired, err := s.db.Read().ExpiredUploads(ctx, s.clock().Add(-UploadTTL), sweepBatch)
	if err != nil {
		return err
	}
	if len(expired) > 0 {
		err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
			for _, a := range expired {
				if err := s.deleteAttachmentTx(ctx, tx, a); err != nil && !isNotFound(err) {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.PayBlobDeletes(ctx)
	return nil
}

// sweepEvery is how often StartAttachmentSweeper sweeps.
const sweepEvery = 10 * time.Minute

// StartAttachmentSweeper runs SweepAttachments at once and then every
// sweepEvery until ctx ends or stop is called; stop waits for it.
func (s *Service) StartAttachmentSweeper(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			if err := s.SweepAttachments(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "attachment sweep failed; retried next round", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}

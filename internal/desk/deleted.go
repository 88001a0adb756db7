package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// RestoreTicket brings back a soft-deleted ticket. Agents only.
func (s *Service) RestoreTicket(ctx context.Context, actor model.User, id int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, id); err != nil {
			return err
		}
		return tx.RestoreTicket(ctx, id, s.clock())
	})
}

// RestoreMany restores soft-deleted tickets; any id that isn't one fails them all.
func (s *Service) RestoreMany(ctx context.Context, actor model.User, ids []int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, id); err != nil {
				return err
			}
			if err := tx.RestoreTicket(ctx, id, s.clock()); err != nil {
				return err
			}
		}
		return nil
	})
}

// PurgeTicket deletes a ticket permanently in one go, whether live or
// soft-deleted: row, comments, audits, search entries, idempotency keys and
// webhook delivery bodies. Then the database's freed pages are scrubbed, so none
// of its text stays in the data files. The escalation flow calls this once the
// secure copy exists.
func (s *Service) PurgeTicket(ctx context.Context, actor model.User, id int64) error {
	if err := requireStaffOrPeer(actor); err != nil {
		return err
	}
	err := s.purgeTx(ctx, func(tx *store.Tx) error {
		if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, id); err != nil {
			return err
		}
		return s.purgeAs(ctx, tx, actor, id)
	})
	if err != nil {
		return err
	}
	s.scrub(ctx)
	return nil
}

// PurgeMany permanently deletes tickets, each in its own transaction, and scrubs
// once at the end. With onlyDeleted, live tickets are refused (Zendesk's
// deleted_tickets endpoints only delete what was soft-deleted first). When req is
// one of this instance's webhook deliveries purging its own ticket, the purge
// records that delivery as delivered (purge_own.go).
func (s *Service) PurgeMany(ctx context.Context, actor model.User, ids []int64, onlyDeleted bool, req PurgeRequest) (model.JobStatus, error) {
	if err := requireStaffOrPeer(actor); err != nil {
		return model.JobStatus{}, err
	}
	results := make([]model.JobResult, 0, len(ids))
	purged := false
	for _, id := range ids {
		r := model.JobResult{ID: id, Action: "delete"}
		err := s.purgeTx(ctx, func(tx *store.Tx) error {
			deleted, err := tx.TicketDeleted(ctx, id)
			if err != nil {
				return err
			}
			if onlyDeleted && !deleted {
				return fmt.Errorf("desk: ticket %d is not deleted: %w", id, model.ErrNotFound)
			}
			if err := s.mayTouchAnyState(ctx, &tx.Queries, actor, id); err != nil {
				return err
			}
			own, err := s.ownDelivery(ctx, &tx.Queries, id, req)
			if err != nil {
				return err
			}
			if err := s.purgeAs(ctx, tx, actor, id); err != nil {
				return err
			}
			if own == "" {
				return nil
			}
			return tx.SettlePurgingDelivery(ctx, own, s.clock())
		})
		purged = purged || err == nil
		if err := jobError(&r, err, "Deleted"); err != nil {
			return model.JobStatus{}, err
		}
		results = append(results, r)
	}
	if purged {
		s.scrub(ctx)
	}
	return s.finishJob(ctx, actor, "bulk_permanent_delete", results)
}

// purgeAttempts is how many times a purge's transaction runs when PostgreSQL
// keeps aborting it to break deadlocks.
const purgeAttempts = 3

// purgeTx runs a purge's transaction, and runs it again when PostgreSQL
// aborted it to break a deadlock or a serialization conflict. A webhook
// delivery of the ticket retried at that moment takes the delivery's row and
// then the ticket's, the purge the other way round, and PostgreSQL ends one of
// the two: a purge answered 500 this way in CI. The purge is database work
// only, so it can simply run again.
func (s *Service) purgeTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.db.WriteTx(ctx, fn)
		if attempt == purgeAttempts || !s.db.Retryable(err) {
			return err
		}
		s.log.WarnContext(ctx, "purge aborted by the database, run again", "attempt", attempt, "err", err)
	}
}

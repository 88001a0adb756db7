package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// purge deletes ticket id permanently inside tx. A ticket purged by the escalation
// flow leaves a tombstone (id and time only) so its old number still leads to its
// stub.
func (s *Service) purge(ctx context.Context, tx *store.Tx, id int64) error {
	escalated, err := tx.TicketHasTag(ctx, id, escalation.TagEscalationInFlight)
	if err != nil {
		return err
	}
	if err := tx.PurgeTicket(ctx, id); err != nil {
		return err
	}
	if escalated {
		return tx.AddTombstone(ctx, id, s.clock())
	}
	return nil
}

// Tombstone describes a purged escalated ticket.
type Tombstone struct {
	ID       int64
	PurgedAt time.Time
	// StubID is the stub standing in for it in this instance, 0 until it exists.
	StubID int64
}

// FindTombstone returns the tombstone of ticket id, or model.ErrNotFound.
func (s *Service) FindTombstone(ctx context.Context, actor model.User, id int64) (Tombstone, error) {
	if err := requireStaff(actor); err != nil {
		return Tombstone{}, fmt.Errorf("desk: tombstone: %w", model.ErrNotFound)
	}
	q := s.db.Read()
	at, err := q.Tombstone(ctx, id)
	if err != nil {
		return Tombstone{}, err
	}
	t := Tombstone{ID: id, PurgedAt: at}
	fields, err := q.ListFields(ctx)
	if err != nil {
		return t, err
	}
	for _, f := range fields {
		if f.Title != escalation.FieldOriginalTicket {
			continue
		}
		ids, err := q.TicketIDsByFieldValue(ctx, f.ID, fmt.Sprint(id))
		if err != nil {
			return t, err
		}
		if len(ids) > 0 {
			t.StubID = ids[0]
		}
	}
	return t, nil
}

package desk

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// firing is what the trigger loop did to one change.
type firing struct {
	Events        []model.AuditEvent
	Notifications []model.Notification
}

// runTriggers runs the active triggers over ch (in place) inside tx.
func (s *Service) runTriggers(ctx context.Context, tx *store.Tx, ch *model.Change) (firing, error) {
	return firing{}, nil
}

// notify enqueues the deliveries of the notifications fired by a change.
func (s *Service) notify(ctx context.Context, tx *store.Tx, ch *model.Change, f firing) error {
	return nil
}

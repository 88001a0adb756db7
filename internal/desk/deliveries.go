package desk

import (
	"context"
	"errors"

	"github.com/twindesk/twindesk/internal/model"
)

// DeliveryRetrier is the part of a delivery queue that runs a waiting job at once.
// The job queue (jobs.Queue) implements it; desk asks for it only when a retry is
// requested, so queues that only enqueue still configure a Service.
type DeliveryRetrier interface {
	RetryNow(ctx context.Context, jobID int64) error
}

// RetryDelivery makes a delivery that waits for its next attempt run now (the
// "retry" button of a webhook's delivery log). Admins only. Settled deliveries
// (delivered or failed) and chain steps still waiting for an earlier step can't be
// retried.
func (s *Service) RetryDelivery(ctx context.Context, actor model.User, id string) (model.Delivery, error) {
	if err := requireAdmin(actor); err != nil {
		return model.Delivery{}, err
	}
	d, err := s.db.Read().Delivery(ctx, id)
	if err != nil {
		return d, err
	}
	if (d.State != model.DeliveryRetrying && d.State != model.DeliveryPending) || d.JobID == 0 {
		return d, model.Invalid("delivery", "InvalidValue", "Delivery: only a delivery waiting for its next attempt can be retried now; this one is %s", d.State)
	}
	r, ok := s.queue.(DeliveryRetrier)
	if !ok {
		return d, errors.New("desk: the delivery queue can't retry jobs")
	}
	return d, r.RetryNow(ctx, d.JobID)
}

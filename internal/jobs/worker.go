package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

// deliveryWorker makes one attempt of a delivery and moves its chain along.
type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	q *Queue
}

// Work delivers; a returned error makes River retry with the backoff policy.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	q := w.q
	d, err := q.db.Read().Delivery(ctx, job.Args.DeliveryID)
	if err != nil {
		return fmt.Errorf("jobs: load delivery: %w", err)
	}
	if d.State == model.DeliveryDelivered || d.State == model.DeliveryFailed {
		return nil // already settled by an earlier run of this job
	}
	req, err := q.request(ctx, &d)
	if err != nil {
		if unsendable(err) || job.Attempt >= job.MaxAttempts {
			return q.fail(ctx, &d, err)
		}
		// Reading the endpoint failed (a database error, a shutdown): that says
		// nothing about the delivery, which is tried again rather than failed
		// with its chain for good.
		q.log.Warn("delivery's endpoint could not be read; it is tried again", "delivery_id", d.ID, "attempt", job.Attempt, "err", err)
		return err
	}
	host := hostOf(req.URL)
	slot, wait, broken := q.endpoints.acquire(ctx, host)
	if slot == 0 {
		// The host is busy with other deliveries or its breaker is open: wait
		// without holding a worker (a snooze doesn't count as an attempt).
		if broken {
			q.waitForHost(ctx, &d, req.URL)
		}
		return river.JobSnooze(min(wait, maxBackoff))
	}
	out, sent := q.send(ctx, &d, req, job.Args.Forward)
	q.endpoints.release(host, slot, out, ctx.Err() == nil && (out.StatusCode != 0 || out.Retryable))
	// The attempt happened: record it even if the job is being cancelled (shutdown,
	// timeout), or a delivered request would be sent again after a restart.
	ctx = context.WithoutCancel(ctx)
	d.Attempts++
	d.StatusCode, d.LatencyMS, d.UpdatedAt = out.StatusCode, out.Latency.Milliseconds(), time.Now()
	if out.Delivered() {
		return q.succeed(ctx, job, &d, sent)
	}
	if alreadyGone(req, out, job.Attempt) {
		q.log.Info("delete found nothing to delete on a retry: done by an earlier attempt", "delivery_id", d.ID, "ticket_id", d.TicketID, "attempt", job.Attempt)
		return q.succeed(ctx, job, &d, nil)
	}
	cause := attemptError(req, out)
	d.LastError = cause.Error()
	if !out.Retryable || job.Attempt >= job.MaxAttempts {
		return q.fail(ctx, &d, cause)
	}
	d.State = model.DeliveryRetrying
	if err := q.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.RecordAttempt(ctx, &d) }); err != nil {
		return err
	}
	q.observe(&d, "retried")
	q.log.Warn("delivery will be retried", "delivery_id", d.ID, "ticket_id", d.TicketID, "attempt", job.Attempt, "status", out.StatusCode, "err", cause)
	if out.RetryAfter > 0 {
		return river.JobSnooze(min(out.RetryAfter, maxBackoff))
	}
	return cause
}

// waitForHost shows a delivery held back by its host's open breaker as waiting to
// retry, with the reason, in the delivery log; the prober and kickWaiting then
// retry it with the others as soon as the host answers again.
func (q *Queue) waitForHost(ctx context.Context, d *model.Delivery, rawURL string) {
	if d.State == model.DeliveryRetrying && d.LastError != "" {
		return
	}
	d.State, d.UpdatedAt = model.DeliveryRetrying, time.Now()
	d.LastError = fmt.Sprintf("not sent yet: %s did not answer the last attempts; waiting for it to recover", originOf(rawURL))
	if err := q.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.RecordAttempt(ctx, d) }); err != nil {
		q.log.Warn("record a delivery waiting for its endpoint", "delivery_id", d.ID, "err", err)
	}
}

// alreadyGone reports a DELETE answered 404 or 410 on a retry. An earlier attempt
// whose answer was lost (its node was killed after the receiver acted, or the
// request timed out) may have deleted the resource: it is gone, which is what the
// step asked for, so the chain goes on. Failing here instead failed the rest of
// the chain, and an escalated ticket could stay soft-deleted, never purged.
func alreadyGone(req webhook.Request, out webhook.Outcome, attempt int) bool {
	return attempt > 1 && strings.EqualFold(req.Method, http.MethodDelete) &&
		(out.StatusCode == http.StatusNotFound || out.StatusCode == http.StatusGone)
}

// Timeout bounds one attempt, request plus bookkeeping.
func (w *deliveryWorker) Timeout(job *river.Job[DeliveryArgs]) time.Duration {
	if job.Args.Forward {
		return forwardTimeout
	}
	return 2 * webhook.Timeout
}

// send makes the attempt's request; a forward first uploads the ticket's files
// and completes the body with its conversation, a note's forward its files
// (whose ids it returns, to delete them once delivered).
func (q *Queue) send(ctx context.Context, d *model.Delivery, req webhook.Request, forward bool) (webhook.Outcome, []int64) {
	var failed *webhook.Outcome
	var sent []int64
	if id, ok := noteComment(req.Body); forward && ok {
		req, sent, failed = q.completeNote(ctx, d, req, id)
	} else if forward && isForward(req.Body) {
		req, failed = q.completeForward(ctx, d, req)
	}
	if failed != nil {
		return *failed, nil
	}
	return q.sender.Send(ctx, req), sent
}

// request resolves the endpoint a delivery goes to, opening its stored
// credentials. They were granted for the endpoint's origin (the part of the
// template before any placeholder): a rendered URL that reaches another origin
// (say "http://peer{{ '@elsewhere' }}/") gets none, and the delivery fails, saying so.
func (q *Queue) request(ctx context.Context, d *model.Delivery) (webhook.Request, error) {
	if d.Kind == "target" {
		var id int64
		if _, err := fmt.Sscan(d.EndpointRef, &id); err != nil {
			return webhook.Request{}, cannotSend{fmt.Errorf("jobs: bad target ref %q", d.EndpointRef)}
		}
		t, err := q.db.Read().Target(ctx, id)
		if err != nil {
			return webhook.Request{}, fmt.Errorf("jobs: target %s: %w", d.EndpointRef, err)
		}
		if t.Password != "" && !webhook.SameOrigin(t.TargetURL, d.URL) {
			return webhook.Request{}, cannotSend{fmt.Errorf("jobs: target %s: the rendered URL leaves the target's host; its credentials are only sent there", d.EndpointRef)}
		}
		if t, err = q.secrets.OpenTarget(t); err != nil {
			return webhook.Request{}, cannotSend{fmt.Errorf("jobs: %w", err)}
		}
		return webhook.FromTarget(&t, d), nil
	}
	wh, err := q.db.Read().Webhook(ctx, d.EndpointRef)
	if err != nil {
		return webhook.Request{}, fmt.Errorf("jobs: webhook %s: %w", d.EndpointRef, err)
	}
	if wh.AuthType != "" && !webhook.SameOrigin(wh.Endpoint, d.URL) {
		return webhook.Request{}, cannotSend{fmt.Errorf("jobs: webhook %s: the rendered URL leaves the endpoint's host; its credentials are only sent there", d.EndpointRef)}
	}
	if wh, err = q.secrets.OpenWebhook(wh); err != nil {
		return webhook.Request{}, cannotSend{fmt.Errorf("jobs: %w", err)}
	}
	return webhook.FromWebhook(&wh, d), nil
}

// cannotSend is an error of request that no retry can mend: the endpoint's
// reference is bad, the rendered URL leaves its credentials' origin, or they
// can't be opened with this instance's key.
type cannotSend struct{ error }

func (e cannotSend) Unwrap() error { return e.error }

// unsendable reports whether request's error fails the delivery for good: it
// can't be mended, or the endpoint is gone (deleted since the trigger fired).
func unsendable(err error) bool {
	var c cannotSend
	return errors.As(err, &c) || errors.Is(err, model.ErrNotFound)
}

// succeed records the delivery, completes the job and enqueues the chain's next
// step in one transaction, so a crash can neither skip nor repeat a step. The
// files a note carried (sent) are deleted in the same transaction.
func (q *Queue) succeed(ctx context.Context, job *river.Job[DeliveryArgs], d *model.Delivery, sent []int64) error {
	d.State, d.LastError = model.DeliveryDelivered, ""
	forget := len(sent) > 0 && q.forwarded != nil
	last := false // d is its chain's last step
	err := q.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordAttempt(ctx, d); err != nil {
			return err
		}
		if forget {
			if err := q.forwarded.ForgetForwarded(ctx, tx, d.TicketID, sent); err != nil {
				return err
			}
		}
		if err := q.complete(ctx, tx.SQL, job); err != nil {
			return fmt.Errorf("jobs: complete: %w", err)
		}
		next, err := tx.NextInChain(ctx, d.ChainID, d.Step)
		if errors.Is(err, model.ErrNotFound) {
			last = true
			return nil
		}
		if err != nil {
			return err
		}
		if err := q.Enqueue(ctx, tx, &next); err != nil {
			return err
		}
		next.State, next.UpdatedAt = model.DeliveryPending, time.Now()
		return tx.RecordAttempt(ctx, &next)
	})
	if err != nil {
		return err
	}
	if forget {
		q.forwarded.PayBlobDeletes(ctx)
	}
	q.observe(d, "delivered")
	q.observeEscalation(ctx, job, d, last)
	q.log.Info("delivered", "delivery_id", d.ID, "ticket_id", d.TicketID, "status", d.StatusCode, "latency_ms", d.LatencyMS)
	q.kickWaiting(ctx, d.EndpointRef)
	return nil
}

// kickWaiting retries at once the deliveries that were waiting for an endpoint
// that has just answered, so a backlog drains in seconds after an outage.
func (q *Queue) kickWaiting(ctx context.Context, endpointRef string) {
	if !q.kicks.due(endpointRef, time.Now()) {
		return
	}
	ids, err := q.db.Read().RetryingJobs(ctx, endpointRef, kickLimit)
	if err != nil {
		q.log.Warn("list waiting deliveries", "endpoint", endpointRef, "err", err)
		return
	}
	for _, id := range ids {
		if err := q.RetryNow(ctx, id); err != nil {
			q.log.Debug("retry waiting delivery", "job_id", id, "err", err)
		}
	}
}

// fail settles a delivery as failed, with every later step of its chain, and
// cancels the job.
func (q *Queue) fail(ctx context.Context, d *model.Delivery, cause error) error {
	d.State, d.LastError, d.UpdatedAt = model.DeliveryFailed, cause.Error(), time.Now()
	err := q.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordAttempt(ctx, d); err != nil {
			return err
		}
		for step := d.Step; ; step++ {
			next, err := tx.NextInChain(ctx, d.ChainID, step)
			if errors.Is(err, model.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			next.State, next.LastError, next.UpdatedAt = model.DeliveryFailed, "an earlier step of this chain failed", time.Now()
			if err := tx.RecordAttempt(ctx, &next); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return err
	}
	q.observe(d, "failed")
	q.log.Error("delivery failed", "delivery_id", d.ID, "ticket_id", d.TicketID, "status", d.StatusCode, "err", cause)
	return river.JobCancel(cause)
}

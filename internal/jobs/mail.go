package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/twindesk/twindesk/internal/mail/outbound"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

const (
	mailQueue = "mail"
	// mailWorkers bounds connections to the relay per node: relays such as
	// Exchange Online throttle senders that open many at once.
	mailWorkers = 4
)

// MailArgs is a mail job. Like a delivery it carries only the row's id: the
// message stays in mail_outgoing, where it is emptied once sent and deleted
// with its ticket.
type MailArgs struct {
	MailID string `json:"mail_id"`
}

// Kind names the job type.
func (MailArgs) Kind() string { return "mail" }

// InsertOpts puts mail on its queue with the deliveries' 24-hour retry budget.
func (MailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: mailQueue, MaxAttempts: maxAttempts}
}

// MailSender sends a built message; outbound.Sender is one. An
// *outbound.Error that is Permanent is not retried.
type MailSender interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// MailConfig turns on the mail worker.
type MailConfig struct {
	Sender MailSender
	// From is the envelope sender (the bare address of --mail-from).
	From string
}

func completeMailWith[D riverdriver.Driver[*sql.Tx]](ctx context.Context, tx *sql.Tx, job *river.Job[MailArgs]) error {
	_, err := river.JobCompleteTx[D](ctx, tx, job)
	return err
}

// EnqueueMail inserts the job for m inside tx and records its id on m.
func (q *Queue) EnqueueMail(ctx context.Context, tx *store.Tx, m *model.OutgoingMail) error {
	res, err := q.client.InsertTx(ctx, tx.SQL, MailArgs{MailID: m.ID}, nil)
	if err != nil {
		return fmt.Errorf("jobs: enqueue mail %s: %w", m.ID, err)
	}
	m.JobID = res.Job.ID
	if q.gate != nil {
		tx.AfterCommit(q.gate.wake)
	}
	return nil
}

type mailWorker struct {
	river.WorkerDefaults[MailArgs]
	q   *Queue
	cfg MailConfig
}

// Timeout bounds one attempt, send plus bookkeeping.
func (w *mailWorker) Timeout(*river.Job[MailArgs]) time.Duration {
	return outbound.Timeout + 10*time.Second
}

// Work sends one message; a returned error makes River retry with the backoff
// policy.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[MailArgs]) error {
	q := w.q
	m, err := q.db.Read().Mail(ctx, job.Args.MailID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // its ticket was purged: nothing to send
	}
	if err != nil {
		return fmt.Errorf("jobs: load mail: %w", err)
	}
	if m.State != model.MailPending && m.State != model.MailRetrying {
		return nil // settled by an earlier run of this job
	}
	if reason, err := q.mailHold(ctx, m.TicketID); err != nil {
		return err
	} else if reason != "" {
		return q.settleMail(ctx, job, &m, model.MailWithheld, reason)
	}
	if w.cfg.Sender == nil {
		// Mail queued by a node with a relay, worked by one started without:
		// it waits, visibly, instead of failing.
		m.State, m.LastError, m.UpdatedAt = model.MailRetrying, "waiting: this node has no --smtp-url", time.Now()
		if err := q.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.RecordMailAttempt(ctx, &m) }); err != nil {
			return err
		}
		return river.JobSnooze(maxBackoff)
	}
	sendErr := w.cfg.Sender.Send(ctx, w.cfg.From, []string{m.Recipient}, []byte(m.Message))
	// The attempt happened: record it even if the job is being cancelled, or a
	// sent message would be sent again after a restart.
	ctx = context.WithoutCancel(ctx)
	m.Attempts++
	if sendErr == nil {
		return q.settleMail(ctx, job, &m, model.MailSent, "")
	}
	var oe *outbound.Error
	if (errors.As(sendErr, &oe) && oe.Permanent) || job.Attempt >= job.MaxAttempts {
		if err := q.settleMail(ctx, job, &m, model.MailFailed, sendErr.Error()); err != nil {
			return err
		}
		q.log.Error("mail failed", "mail_id", m.ID, "ticket_id", m.TicketID, "attempts", m.Attempts, "err", sendErr)
		return river.JobCancel(sendErr)
	}
	m.State, m.LastError, m.UpdatedAt = model.MailRetrying, sendErr.Error(), time.Now()
	if err := q.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.RecordMailAttempt(ctx, &m) }); err != nil {
		return err
	}
	q.observeMail(model.MailRetrying)
	q.log.Warn("mail will be retried", "mail_id", m.ID, "ticket_id", m.TicketID, "attempt", job.Attempt, "err", sendErr)
	return sendErr
}

// settleMail records the final state and completes the job in one transaction,
// so a crash after it can't send the message again.
func (q *Queue) settleMail(ctx context.Context, job *river.Job[MailArgs], m *model.OutgoingMail, state, reason string) error {
	m.State, m.LastError, m.UpdatedAt = state, reason, time.Now()
	err := q.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordMailAttempt(ctx, m); err != nil {
			return err
		}
		if state == model.MailFailed {
			return nil // the job is cancelled by the caller's JobCancel
		}
		if err := q.completeMail(ctx, tx.SQL, job); err != nil {
			return fmt.Errorf("jobs: complete mail: %w", err)
		}
		return nil
	})
	if err == nil {
		q.observeMail(state)
	}
	if err == nil && state == model.MailSent {
		q.log.Info("mail sent", "mail_id", m.ID, "ticket_id", m.TicketID, "attempts", m.Attempts)
	}
	return err
}

// mailHold returns why a ticket's queued mail must not go out now, or "". A
// ticket that started moving to the secure instance after its mail was queued
// keeps that mail: from then on the requester hears from the secure instance.
func (q *Queue) mailHold(ctx context.Context, ticketID int64) (string, error) {
	t, err := q.db.Read().Ticket(ctx, ticketID)
	if errors.Is(err, model.ErrNotFound) {
		return "not sent: the ticket was deleted", nil
	}
	if err != nil {
		return "", fmt.Errorf("jobs: mail ticket: %w", err)
	}
	if peer.MailHold(&t) {
		return peer.MailWithheld, nil
	}
	return "", nil
}

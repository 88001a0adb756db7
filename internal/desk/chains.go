package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// FailedChain is a trigger's chain of deliveries for a ticket that stopped at a
// step that failed for good (a permanent error such as a 413, or retries
// exhausted). An escalation is such a chain: create on secure, delete, purge.
type FailedChain struct {
	ChainID      string
	TriggerID    int64
	TriggerTitle string // "" when the trigger was deleted since
	// Step is the failed step (its body left out).
	Step model.Delivery
	// Later counts the steps after it, never sent.
	Later int
}

// Reason is the failure as shown to agents: the step's error, which names the
// endpoint's origin and its answer only.
func (c FailedChain) Reason() string {
	if c.Step.LastError != "" {
		return c.Step.LastError
	}
	return fmt.Sprintf("answered %d", c.Step.StatusCode)
}

// FailedAt is when the failed step was given up.
func (c FailedChain) FailedAt() time.Time { return c.Step.UpdatedAt }

// FailedChains lists the ticket's failed chains, for the banner of the ticket
// page and the API. Staff who can see the ticket only.
func (s *Service) FailedChains(ctx context.Context, actor model.User, ticketID int64) ([]FailedChain, error) {
	if err := s.staffOnTicket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().FailedDeliveries(ctx, ticketID, false)
	if err != nil {
		return nil, err
	}
	chains := failedChains(rows)
	for i := range chains {
		t, err := s.db.Read().Trigger(ctx, chains[i].TriggerID)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		chains[i].TriggerTitle = t.Title
	}
	return chains, nil
}

// failedChains groups failed deliveries (ordered by chain and step) into chains;
// the first failed step of each is the one that failed, the rest were never sent.
// A delivery settled by the ticket's purge is no chain to retry.
func failedChains(rows []model.Delivery) []FailedChain {
	var out []FailedChain
	for _, d := range rows {
		if d.LastError == store.NotSentPurged {
			continue
		}
		if n := len(out); n > 0 && out[n-1].ChainID == d.ChainID {
			out[n-1].Later++
			continue
		}
		out = append(out, FailedChain{ChainID: d.ChainID, TriggerID: d.TriggerID, Step: d})
	}
	return out
}

// RetryChain sends the ticket's failed chains again from their failed step: that
// step gets a new job with a full retry budget (its stored body, rendered when the
// trigger fired), the steps after it wait for it as before. It returns how many
// chains it restarted; a 422 when there is none. Staff who can see the ticket only.
func (s *Service) RetryChain(ctx context.Context, actor model.User, ticketID int64) (int, error) {
	if err := s.staffOnTicket(ctx, actor, ticketID); err != nil {
		return 0, err
	}
	if s.queue == nil {
		return 0, errors.New("desk: no delivery queue configured")
	}
	var n int
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.FailedDeliveries(ctx, ticketID, true)
		if err != nil {
			return err
		}
		n = 0
		for _, c := range failedChains(rows) {
			if err := s.restartChain(ctx, tx, rows, c.ChainID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, model.Invalid("ticket", "InvalidValue", "Ticket: no failed webhook chain of ticket %d to retry", ticketID)
	}
	s.log.Info("failed delivery chains restarted", "ticket_id", ticketID, "chains", n, "actor_id", actor.ID)
	return n, nil
}

// restartChain puts chain's first failed step back on the queue and its later
// failed steps back to waiting, in tx.
func (s *Service) restartChain(ctx context.Context, tx *store.Tx, rows []model.Delivery, chain string) error {
	first := true
	for _, d := range rows {
		if d.ChainID != chain {
			continue
		}
		d.LastError, d.StatusCode, d.UpdatedAt = "", 0, s.clock()
		d.State = model.DeliveryWaiting
		if first {
			first = false
			// The old job (cancelled) goes, with the errors River kept in it.
			if err := tx.ForgetJob(ctx, d.JobID); err != nil {
				return err
			}
			if err := s.queue.Enqueue(ctx, tx, &d); err != nil {
				return err
			}
			d.State = model.DeliveryPending
		}
		if err := tx.RecordAttempt(ctx, &d); err != nil {
			return err
		}
	}
	return nil
}

// escalationFailed reports whether the ticket's outbound work has stopped at a
// failure: a chain failed for good and nothing of the ticket is still waiting to
// be delivered. For a ticket tagged escalation_in_progress that means its
// escalation failed (the tag is set by the chain's trigger and the chain can
// only end in a purge or a failure), so agents may change the ticket again and
// retry it (RetryChain).
func (s *Service) escalationFailed(ctx context.Context, tx *store.Tx, ticketID int64) (bool, error) {
	open, err := tx.UnsettledDeliveries(ctx, ticketID)
	if err != nil || open > 0 {
		return false, err
	}
	rows, err := tx.FailedDeliveries(ctx, ticketID, false)
	if err != nil {
		return false, err
	}
	return len(failedChains(rows)) > 0, nil
}

// staffOnTicket checks that actor is staff and that the ticket exists for them.
func (s *Service) staffOnTicket(ctx context.Context, actor model.User, ticketID int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	_, err := s.Ticket(ctx, actor, ticketID)
	return err
}

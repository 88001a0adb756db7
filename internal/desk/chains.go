package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/liquid"
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
// step gets a new job with a full retry budget, the steps after it wait for it as
// before. Their URLs and bodies are rendered again from the ticket as it is now
// (current_user is the actor): once its escalation failed, agents may change the
// ticket again, and the body rendered when the trigger fired would leave out the
// comments added since, which the purge at the end of the chain would then lose.
// It returns how many chains it restarted; a 422 when there is none. Staff who
// can see the ticket only.
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
		chains := failedChains(rows)
		if len(chains) == 0 {
			return nil
		}
		data, err := s.currentData(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		for _, c := range chains {
			steps := chainSteps(rows, c.ChainID)
			if err := s.rerender(ctx, tx, actor, data, steps); err != nil {
				return err
			}
			if err := s.restartChain(ctx, tx, steps); err != nil {
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

// chainSteps are the rows of chain, in step order.
func chainSteps(rows []model.Delivery, chain string) []model.Delivery {
	var out []model.Delivery
	for _, d := range rows {
		if d.ChainID == chain {
			out = append(out, d)
		}
	}
	return out
}

// currentData is what Liquid shows of the ticket now.
func (s *Service) currentData(ctx context.Context, tx *store.Tx, ticketID int64) (*liquid.TicketData, error) {
	t, err := tx.Ticket(ctx, ticketID)
	if err != nil {
		return nil, err
	}
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return nil, err
	}
	return s.ticketData(ctx, tx, snap, &t)
}

// rerender renders each failed step again with its trigger's action for the same
// endpoint. A step keeps what it has when that can't be told: the trigger was
// deleted, it has no action for the endpoint or several, or the endpoint is
// inactive now.
func (s *Service) rerender(ctx context.Context, tx *store.Tx, actor model.User, data *liquid.TicketData, steps []model.Delivery) error {
	trig, err := tx.Trigger(ctx, steps[0].TriggerID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for i := range steps {
		n, ok := actionFor(trig, steps[i].Kind, steps[i].EndpointRef)
		if !ok {
			continue
		}
		d, err := s.delivery(ctx, tx, n, func(bool) (*liquid.TicketData, error) { return data, nil }, actor)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		steps[i].URL, steps[i].Body = d.URL, d.Body
		if err := tx.SetDeliveryRequest(ctx, steps[i].ID, d.URL, d.Body); err != nil {
			return err
		}
	}
	return nil
}

// actionFor finds trig's one notification action of kind to endpoint.
func actionFor(trig model.Trigger, kind, endpoint string) (model.Notification, bool) {
	var found []model.Notification
	for _, a := range trig.Actions {
		if a.Field != "notification_"+kind || len(a.Value) < 2 || a.Value[0] != endpoint {
			continue
		}
		found = append(found, model.Notification{TriggerID: trig.ID, Kind: kind, TargetID: endpoint, Body: a.Value[1]})
	}
	if len(found) != 1 {
		return model.Notification{}, false
	}
	return found[0], true
}

// restartChain puts a chain's first failed step back on the queue and its later
// failed steps back to waiting, in tx.
func (s *Service) restartChain(ctx context.Context, tx *store.Tx, steps []model.Delivery) error {
	first := true
	for _, d := range steps {
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

package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
)

// Observer hears what the queue did, for metrics. Labels never hold a URL,
// an address or ticket data.
type Observer interface {
	// DeliveryOutcome: what became of a delivery attempt, "delivered",
	// "retried" (it will be tried again) or "failed" (given up). kind is webhook
	// or target and endpointRef its id, never its URL, which may hold ticket data.
	DeliveryOutcome(kind, endpointRef, outcome string)
	// MailOutcome: what became of a notification mail's attempt: a final
	// state (sent, failed, withheld) or retrying.
	MailOutcome(state string)
	// EscalationStep: an escalation reached step, took after its forward was
	// queued on this (standard) instance (EscalationSecureCreated, then
	// EscalationOriginalPurged).
	EscalationStep(step string, took time.Duration)
}

// The steps of an escalation's round trip, as standard's forward trigger chain
// delivers them: the forward creates the secure ticket; the chain's last step
// purges the original.
const (
	EscalationSecureCreated  = "secure_created"
	EscalationOriginalPurged = "original_purged"
)

// observe tells the observer, if any, an attempt's outcome.
func (q *Queue) observe(d *model.Delivery, outcome string) {
	if q.observer != nil {
		q.observer.DeliveryOutcome(d.Kind, d.EndpointRef, outcome)
	}
}

func (q *Queue) observeMail(state string) {
	if q.observer != nil {
		q.observer.MailOutcome(state)
	}
}

// observeEscalation times a delivered step of the forward trigger's chain: its
// forward (the secure ticket exists) and its last step (the original is
// purged), from the chain's creation, when the trigger fired. Other chains, and
// the forwards of a stub's notes, are not escalations.
func (q *Queue) observeEscalation(ctx context.Context, job *river.Job[DeliveryArgs], d *model.Delivery, last bool) {
	if q.observer == nil || d.TriggerID == 0 || d.Step == 0 && !job.Args.Forward || d.Step > 0 && !last {
		return
	}
	tr, err := q.db.Read().Trigger(ctx, d.TriggerID)
	if err != nil || tr.Title != peer.TriggerForward {
		return // a trigger deleted since is no longer timed
	}
	step := EscalationOriginalPurged
	if d.Step == 0 {
		step = EscalationSecureCreated
	}
	q.observer.EscalationStep(step, time.Since(d.CreatedAt))
}

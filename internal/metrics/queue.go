package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/twindesk/twindesk/internal/jobs"
	"github.com/twindesk/twindesk/internal/model"
)

// queue holds the series of what this node's job queue did beyond webhook
// attempts: notification mail and escalation round trips. Their states in the
// database (queued, retrying) are the store collector's gauges.
type queue struct {
	mail       *prometheus.CounterVec
	escalation *prometheus.HistogramVec
}

func newQueue() queue {
	q := queue{
		mail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "twindesk_mail_deliveries_total",
			Help: "Notification mail attempts by outcome: sent, retrying, failed (for good) or withheld (its ticket is escalating).",
		}, []string{"outcome"}),
		escalation: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "twindesk_escalation_duration_seconds",
			Help:    "Time from an escalation's forward being queued on standard to a step of its round trip: secure_created (the secure ticket exists), original_purged (the original is gone from standard).",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800},
		}, []string{"step"}),
	}
	// Every series exists from the start, at 0, so a rate or an alert on it
	// has data before the first mail or escalation.
	for _, state := range []string{model.MailSent, model.MailRetrying, model.MailFailed, model.MailWithheld} {
		q.mail.WithLabelValues(state)
	}
	for _, step := range []string{jobs.EscalationSecureCreated, jobs.EscalationOriginalPurged} {
		q.escalation.WithLabelValues(step)
	}
	return q
}

func (q queue) collectors() []prometheus.Collector {
	return []prometheus.Collector{q.mail, q.escalation}
}

// MailOutcome counts a notification mail's attempt (jobs.Observer).
func (m *Metrics) MailOutcome(state string) { m.queue.mail.WithLabelValues(state).Inc() }

// EscalationStep records how long an escalation took to reach step
// (jobs.Observer).
func (m *Metrics) EscalationStep(step string, took time.Duration) {
	m.queue.escalation.WithLabelValues(step).Observe(took.Seconds())
}

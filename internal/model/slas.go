package model

import "time"

// SLA metrics twindesk computes.
const (
	MetricFirstReply    = "first_reply_time"
	MetricNextReply     = "next_reply_time"
	MetricRequesterWait = "requester_wait_time"
	MetricAgentWork     = "agent_work_time"
	// The update metrics measure the time between public agent comments.
	MetricPeriodicUpdate = "periodic_update_time"
	MetricPausableUpdate = "pausable_update_time"
)

// Schedule is a business-hours schedule: weekly intervals in minutes from
// Sunday 00:00 in TimeZone (an IANA name), minus holidays.
type Schedule struct {
	ID        int64
	Name      string
	TimeZone  string
	Intervals []ScheduleInterval
	Holidays  []Holiday
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ScheduleInterval is Zendesk's {start_time, end_time} in minutes from Sunday 00:00.
type ScheduleInterval struct {
	StartTime int `json:"start_time"`
	EndTime   int `json:"end_time"`
}

// Holiday closes whole days, StartDate to EndDate inclusive (YYYY-MM-DD).
type Holiday struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// SLAPolicy applies its metrics' targets to the tickets its filter matches;
// the first policy by position that matches a ticket is the ticket's.
type SLAPolicy struct {
	ID          int64
	Title       string
	Description string
	Position    int64
	Filter      Conditions
	Metrics     []SLAMetric
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SLAMetric is one target: Target minutes for tickets of Priority.
type SLAMetric struct {
	Priority      string `json:"priority"`
	Metric        string `json:"metric"`
	Target        int    `json:"target"`
	BusinessHours bool   `json:"business_hours"`
}

// SLATarget is one metric's state on a ticket.
type SLATarget struct {
	TicketID    int64
	Metric      string
	PolicyID    int64
	StartedAt   time.Time
	BreachAt    time.Time
	FulfilledAt time.Time // zero while the target is still open
	// Paused is set while a pausable metric's clock stands still (requester
	// wait while the ticket is pending); Left is then what remains of the
	// target in the metric's time (business or calendar), and BreachAt is
	// zero unless the target was already breached.
	Paused bool
	Left   time.Duration
}

// Breached reports whether the target was missed by at.
func (t SLATarget) Breached(at time.Time) bool {
	if t.BreachAt.IsZero() {
		return false // paused before its target ran out
	}
	if !t.FulfilledAt.IsZero() {
		return t.FulfilledAt.After(t.BreachAt)
	}
	return !at.Before(t.BreachAt)
}

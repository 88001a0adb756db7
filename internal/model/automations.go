package model

import "time"

// Automation is a Zendesk-style time-based rule: a scheduled run applies its
// actions to every open ticket whose conditions hold. Its conditions are a
// trigger's (without the ones about the change itself) plus time conditions
// such as hours_since_solved.
type Automation struct {
	ID          int64
	Title       string
	Description string
	Active      bool
	Position    int64
	// Default marks the automation a new instance starts with.
	Default    bool
	Conditions Conditions
	Actions    []Action
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TicketClocks are the times an open ticket's automation conditions ask about;
// a zero time does not apply (SolvedAt of a ticket that is not solved).
type TicketClocks struct {
	TicketID         int64
	Created          time.Time
	Updated          time.Time
	Solved           time.Time
	Pending          time.Time
	Hold             time.Time
	Assigned         time.Time
	RequesterUpdated time.Time
	AssigneeUpdated  time.Time
	// NextBreach is the earliest SLA target not yet met and not yet due;
	// LastBreach the latest one already due and not met.
	NextBreach time.Time
	LastBreach time.Time
}

// AutomationStats is what one automation run did.
type AutomationStats struct {
	Candidates int // tickets the indexed time ranges selected
	Updated    int // tickets at least one automation fired on
	Fired      int // automation firings
	// Transactions is how many write transactions the run committed: a
	// backlog is written in several, each within its time budget.
	Transactions int
}

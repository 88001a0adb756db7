package model

import "time"

// Condition is one trigger condition, as Zendesk writes it: {field, operator, value}.
// Value is a string for every field twindesk supports.
type Condition struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// Conditions are a trigger's conditions: all of All must hold, and at least one of
// Any when Any is not empty.
type Conditions struct {
	All []Condition `json:"all"`
	Any []Condition `json:"any"`
}

// Action is one trigger action: {field, value}. Value is a string, or a list of
// strings for notification actions ([webhook_id, body] or [target_id, message]).
type Action struct {
	Field string   `json:"field"`
	Value []string `json:"value"`
}

// Trigger is a Zendesk-style business rule that runs on every ticket create/update.
type Trigger struct {
	ID          int64
	Title       string
	Description string
	Active      bool
	Position    int64
	Conditions  Conditions
	Actions     []Action
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Change describes one ticket create or update as the trigger engine sees it.
type Change struct {
	// Before is the ticket before the change; nil on create.
	Before *Ticket
	// After is the ticket as it stands now, including actions applied so far.
	After *Ticket
	// Comment is the comment added by this change, if any.
	Comment *Comment
	// Actor is the user making the change.
	Actor User
}

// IsCreate reports whether the change creates the ticket.
func (c *Change) IsCreate() bool { return c.Before == nil }

// Notification is a webhook or target call fired by a trigger. Body is the raw
// Liquid template; it is rendered after the trigger loop, from the final ticket.
type Notification struct {
	TriggerID int64
	// Kind is "webhook", "target" or NotifyUser (a mail; TargetID is then
	// the recipient: "requester_id", "assignee_id", "current_user" or an id).
	Kind     string
	TargetID string
	Body     string
	Subject  string // NotifyUser only
}

// NotifyUser is the Kind of a notification_user action's notification.
const NotifyUser = "user"

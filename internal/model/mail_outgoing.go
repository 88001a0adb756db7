package model

import "time"

// Outgoing mail states. Withheld mail was never queued: the ticket is escalated
// to the secure instance, whose own mail reaches the requester.
const (
	MailPending  = "pending"  // queued, not tried yet
	MailRetrying = "retrying" // the relay was unreachable or deferred it; will be tried again
	MailSent     = "sent"     // the relay accepted it
	MailFailed   = "failed"   // refused for good, or retries exhausted
	MailWithheld = "withheld" // not sent, for the reason in LastError
)

// OutgoingMail is one message in the outgoing-mail log. Message is the built
// RFC 5322 text, kept only until the relay accepts it.
type OutgoingMail struct {
	ID          string // ULID
	TicketID    int64
	TriggerID   int64
	RecipientID int64
	Recipient   string // address
	Subject     string
	MessageID   string
	Message     string
	State       string
	Attempts    int
	LastError   string
	JobID       int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

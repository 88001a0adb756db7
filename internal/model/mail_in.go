package model

import "time"

// Mailbox is an IMAP mailbox an instance fetches mail from (issue 17).
type Mailbox struct {
	ID   int64
	Name string
	// Address is the mailbox's own address: mail from it is a loop, never a ticket.
	Address string
	// URL is imaps://user@host:993/INBOX or imap://... (STARTTLS); no password.
	URL string
	// Auth is "password" or "oauth2".
	Auth string
	// Secret is the password, or the OAuth client secret; stored sealed.
	Secret        string
	OAuthTokenURL string
	OAuthClientID string
	OAuthScope    string
	OAuthRefresh  string // stored sealed; replaced when the issuer rotates it
	GroupID       int64
	Active        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Inbound mail outcomes: what intake did with a message.
const (
	MailTicket      = "ticket"  // a new ticket
	MailComment     = "comment" // a public comment on its ticket
	MailNote        = "note"    // a private note (sender not requester or agent, or an auto-reply)
	MailAuto        = "auto"    // an auto-reply or bulk mail that threads nowhere: recorded only
	MailBounce      = "bounce"  // a delivery report: recorded only
	MailLoop        = "loop"    // from one of this instance's own addresses
	MailRateLimited = "rate_limited"
	MailQuarantined = "quarantined"
	MailForwarded   = "forwarded_to_secure" // a reply to an escalated ticket, handed to secure
	MailRefused     = "refused"             // secure refused it; nothing of it kept here
)

// MailMessage is one row of the inbound intake log. It holds no subject and no body.
type MailMessage struct {
	ID          int64
	MailboxID   int64 // 0 for mail pushed over SMTP
	UIDValidity uint32
	UID         uint32
	ContentHash string
	MessageID   string
	From        string
	Outcome     string
	// Reason says how it was threaded (In-Reply-To, References, plus-address,
	// body marker, or new) or why it was not filed.
	Reason     string
	TicketID   int64
	CommentID  int64
	Size       int64
	ReceivedAt time.Time
}

// QuarantinedMail is a mail that could not be filed, with what an admin reads.
type QuarantinedMail struct {
	MailMessage
	Error    string
	Fallback string
	BlobID   string
}

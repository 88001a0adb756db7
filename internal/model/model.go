// Package model holds twindesk's domain types and their pure validation rules.
// It imports nothing from the rest of the project.
package model

import "time"

// Status is a ticket status. Statuses are ordered: new < open < pending < hold < solved < closed,
// which is how Zendesk's less_than and greater_than conditions compare them.
type Status string

// Ticket statuses, in Zendesk's order.
const (
	StatusNew     Status = "new"
	StatusOpen    Status = "open"
	StatusPending Status = "pending"
	StatusHold    Status = "hold"
	StatusSolved  Status = "solved"
	StatusClosed  Status = "closed"
)

var statusRank = map[Status]int{
	StatusNew: 0, StatusOpen: 1, StatusPending: 2, StatusHold: 3, StatusSolved: 4, StatusClosed: 5,
}

// Valid reports whether s is one of Zendesk's six statuses.
func (s Status) Valid() bool { _, ok := statusRank[s]; return ok }

// Rank orders statuses for less_than / greater_than comparisons; -1 if unknown.
func (s Status) Rank() int {
	if r, ok := statusRank[s]; ok {
		return r
	}
	return -1
}

// Role is a user's role.
type Role string

// User roles as Zendesk names them.
const (
	RoleEndUser Role = "end-user"
	RoleAgent   Role = "agent"
	RoleAdmin   Role = "admin"
	// RolePeer is the other instance's integration identity: it may make only the
	// escalation recipe's calls, and only on tickets an escalation links. It is
	// never granted through the API's user endpoints (see Valid).
	RolePeer Role = "peer"
)

// Valid reports whether r is a role a user may be given through the API or UI.
func (r Role) Valid() bool { return r == RoleEndUser || r == RoleAgent || r == RoleAdmin }

// IsStaff reports whether the role may work tickets (agent or admin).
func (r Role) IsStaff() bool { return r == RoleAgent || r == RoleAdmin }

// Priorities and types Zendesk accepts; the empty string means "not set".
var (
	Priorities  = []string{"urgent", "high", "normal", "low"}
	TicketTypes = []string{"problem", "incident", "question", "task"}
)

// FieldValue is one custom field value on a ticket. Values are kept as strings
// ("true"/"false" for checkboxes, the option tag for dropdowns), which is also
// how they are emitted over the API.
type FieldValue struct {
	ID    int64
	Value string
}

// Ticket is a support ticket. Zero IDs mean "none" (no assignee, no group...).
type Ticket struct {
	ID           int64
	Subject      string
	Description  string
	Status       Status
	Priority     string
	Type         string
	RequesterID  int64
	SubmitterID  int64
	AssigneeID   int64
	GroupID      int64
	Tags         []string
	ExternalID   string
	CustomFields []FieldValue
	TicketFormID int64
	Via          string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// OrganizationID is the ticket's organization (0: none), by default its
	// requester's when created.
	OrganizationID int64
	// EmailCCIDs are users copied on public replies (end users or agents);
	// FollowerIDs are agents told of every update (desk/ccs.go).
	EmailCCIDs  []int64
	FollowerIDs []int64
}

// Field returns the value of custom field id, or "" when unset.
func (t *Ticket) Field(id int64) string {
	for _, f := range t.CustomFields {
		if f.ID == id {
			return f.Value
		}
	}
	return ""
}

// SetField sets custom field id; an empty value removes it.
func (t *Ticket) SetField(id int64, value string) {
	out := t.CustomFields[:0:0]
	for _, f := range t.CustomFields {
		if f.ID != id {
			out = append(out, f)
		}
	}
	if value != "" {
		out = append(out, FieldValue{ID: id, Value: value})
	}
	t.CustomFields = out
}

// HasTag reports whether the ticket carries tag.
func (t *Ticket) HasTag(tag string) bool {
	for _, x := range t.Tags {
		if x == tag {
			return true
		}
	}
	return false
}

// Clone returns a deep copy, so a "before" snapshot is not changed by later edits.
func (t Ticket) Clone() Ticket {
	t.Tags = append([]string(nil), t.Tags...)
	t.CustomFields = append([]FieldValue(nil), t.CustomFields...)
	t.EmailCCIDs = append([]int64(nil), t.EmailCCIDs...)
	t.FollowerIDs = append([]int64(nil), t.FollowerIDs...)
	return t
}

// Comment is a public reply or a private (internal) note on a ticket.
type Comment struct {
	ID        int64
	TicketID  int64
	AuthorID  int64
	AuditID   int64
	Body      string
	Public    bool
	Via       string
	CreatedAt time.Time
}

// User is an end user, agent or admin.
type User struct {
	ID         int64
	Name       string
	Email      string
	Role       Role
	ExternalID string
	Active     bool
	// DefaultGroupID is the group of the user's default membership (0 if none).
	DefaultGroupID int64
	// OrganizationID is the organization of the user's default organization
	// membership, else of their oldest (0 if none).
	OrganizationID int64
	// Deleted marks a soft-deleted user (DELETE /users/{id}); such a user is also
	// inactive, so it can't sign in.
	Deleted bool
	// Tags are the user's tags, normalized as a ticket's (issue 21).
	Tags []string
	// TimeZone is the IANA zone the agent UI shows times in for this user; ""
	// is the instance's default (the account schedule's zone, else UTC).
	TimeZone string
	// Profile holds what staff keep about the user (issue 21); only staff
	// read it (desk.AttachUserFields blanks it for anyone else).
	Profile   UserProfile
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Group is a team of agents.
type Group struct {
	ID          int64
	Name        string
	Description string
	// Private keeps the group's tickets from agents outside it (Zendesk's
	// is_public false); its members and admins see them. The zero value is a
	// public group, as Zendesk's default.
	Private   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// GroupMembership puts an agent in a group.
type GroupMembership struct {
	ID        int64
	UserID    int64
	GroupID   int64
	Default   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Audit records one change to a ticket: who, when, and the events it carried.
type Audit struct {
	ID        int64
	TicketID  int64
	AuthorID  int64
	Via       string
	CreatedAt time.Time
	Events    []AuditEvent
	// CommentID is the id of the comment this audit added (0 if none): its
	// Comment event answers with that id, as in Zendesk.
	CommentID int64
}

// AuditEvent is one event inside an audit, in Zendesk's vocabulary
// (Create, Change, Comment, Notification). Value and PreviousValue are strings,
// or string slices for tags.
type AuditEvent struct {
	ID            int64  `json:"id"`
	Type          string `json:"type"`
	FieldName     string `json:"field_name,omitempty"`
	Value         any    `json:"value,omitempty"`
	PreviousValue any    `json:"previous_value,omitempty"`
	Body          string `json:"body,omitempty"`
	Public        *bool  `json:"public,omitempty"`
	AuthorID      int64  `json:"author_id,omitempty"`
	// Subject and Recipients describe notifications (webhook or target firings).
	Subject    string  `json:"subject,omitempty"`
	Recipients []int64 `json:"recipients,omitempty"`
	// Via names the trigger that made a change, when one did.
	ViaTriggerID int64 `json:"via_trigger_id,omitempty"`
}

// EscalationLink ties the tickets of one escalation together across the two
// instances. It is written when the peer's call creates a ticket, and a peer may
// only change tickets that have one.
type EscalationLink struct {
	// TicketID is this instance's ticket: the secure ticket, or the standard stub.
	TicketID int64
	// OriginID is the standard ticket that was escalated.
	OriginID int64
	// PeerID is the other instance's ticket (the stub, or the secure ticket); 0
	// until it is known.
	PeerID    int64
	CreatedAt time.Time
}

// Tombstone is what remains of a purged escalated ticket: its id, and what its stub
// is built from.
type Tombstone struct {
	ID          int64
	PurgedAt    time.Time
	RequesterID int64
	GroupID     int64
}

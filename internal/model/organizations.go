package model

import "time"

// Organization groups end users (a company, a department), as in Zendesk.
type Organization struct {
	ID          int64
	Name        string
	ExternalID  string
	Details     string
	Notes       string
	DomainNames []string
	// Tags are the organization's tags, normalized as a ticket's (issue 21).
	Tags []string
	// GroupID, SharedTickets and SharedComments are stored and shown as
	// Zendesk's; twindesk gives them no behaviour (docs/zendesk-compatibility.md).
	GroupID        int64
	SharedTickets  bool
	SharedComments bool
	// Fields are the organization_fields values, every defined field present
	// (read by desk.AttachOrganizationFields; nil until then).
	Fields    []EntityValue
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OrganizationMembership puts a user in an organization; a user's default
// membership is their organization_id.
type OrganizationMembership struct {
	ID             int64
	UserID         int64
	OrganizationID int64
	Default        bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

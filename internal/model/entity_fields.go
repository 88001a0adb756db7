package model

import "time"

// The entities that have custom fields besides tickets.
const (
	EntityUser         = "user"
	EntityOrganization = "organization"
)

// EntityFieldTypes are the types a user or organization field may have, named
// as in Zendesk ("dropdown" where ticket fields say "tagger").
var EntityFieldTypes = []string{FieldText, FieldTextarea, FieldCheckbox, FieldInteger, FieldDecimal, FieldDate,
	FieldRegexp, "dropdown"}

// EntityField is a custom field of users or of organizations: Zendesk's
// user_fields and organization_fields. Key names it in the user's user_fields
// (or the organization's organization_fields) and in placeholders.
type EntityField struct {
	ID                  int64
	Entity              string
	Key                 string
	Type                string
	Title               string
	Description         string
	Position            int64
	Active              bool
	RegexpForValidation string
	Tag                 string // checkbox: tag added when checked
	Options             []FieldOption
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// EntityValue is the value of one user or organization field on a record, as
// stored: "" is unset. Type is the field's, so the API can render a checkbox
// as a boolean and numbers as numbers.
type EntityValue struct {
	FieldID int64
	Key     string
	Type    string
	Value   string
}

// UserProfile is what a user record carries for staff beyond its identity:
// Zendesk's details, notes, phone, alias, signature (agents only) and the
// user_fields values.
type UserProfile struct {
	Details   string
	Notes     string
	Phone     string
	Alias     string
	Signature string
	// Fields are the user_fields values, every defined field present (read by
	// desk.AttachUserFields; nil until then).
	Fields []EntityValue
}

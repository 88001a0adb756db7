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

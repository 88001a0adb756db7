package model

import "time"

// Ticket field types twindesk supports, named as in Zendesk.
const (
	FieldText     = "text"
	FieldTextarea = "textarea"
	FieldCheckbox = "checkbox"
	FieldInteger  = "integer"
	FieldDecimal  = "decimal"
	FieldDate     = "date"
	FieldRegexp   = "regexp"
	FieldTagger   = "tagger"
)

// FieldOption is one choice of a dropdown (tagger) field; Value is also the tag.
type FieldOption struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// TicketField is a custom ticket field.
type TicketField struct {
	ID                  int64
	Type                string
	Title               string
	Description         string
	Active              bool
	Required            bool
	RegexpForValidation string
	Tag                 string // checkbox: tag added when checked
	Position            int64
	Options             []FieldOption
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// OptionTitle returns the name of the option whose value (tag) is v, or "".
func (f *TicketField) OptionTitle(v string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.Name
		}
	}
	return ""
}

// TicketForm groups fields shown for a kind of ticket.
type TicketForm struct {
	ID             int64
	Name           string
	DisplayName    string
	Position       int64
	Active         bool
	Default        bool
	EndUserVisible bool
	TicketFieldIDs []int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

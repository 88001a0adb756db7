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

// ApplyFieldValue sets field f on t to value and keeps dropdown tags in step, as
// Zendesk does: a tagger field's value is also a tag on the ticket, so setting the
// field removes the previous option's tag and adds the new one.
func ApplyFieldValue(t *Ticket, f *TicketField, value string) {
	if f.Type == FieldTagger {
		if old := t.Field(f.ID); old != "" {
			t.Tags = removeTag(t.Tags, old)
		}
		if value != "" && !t.HasTag(value) {
			t.Tags = append(t.Tags, value)
		}
	}
	if f.Type == FieldCheckbox && f.Tag != "" {
		t.Tags = removeTag(t.Tags, f.Tag)
		if value == "true" {
			t.Tags = append(t.Tags, f.Tag)
		}
	}
	t.SetField(f.ID, value)
}

// SyncFieldsFromTags is the reverse direction: when tags were edited directly, a
// dropdown whose option tag is present takes that option, and one whose tag was
// removed is cleared; a checkbox with a tag is checked while the ticket has the
// tag and unchecked when it is removed.
func SyncFieldsFromTags(t *Ticket, fields []TicketField) {
	for i := range fields {
		f := &fields[i]
		if f.Type == FieldCheckbox && f.Tag != "" {
			syncCheckbox(t, f)
			continue
		}
		if f.Type != FieldTagger {
			continue
		}
		cur := t.Field(f.ID)
		if cur != "" && !t.HasTag(cur) {
			t.SetField(f.ID, "")
			cur = ""
		}
		if cur == "" {
			for _, o := range f.Options {
				if t.HasTag(o.Value) {
					t.SetField(f.ID, o.Value)
					break
				}
			}
		}
	}
}

// syncCheckbox checks or unchecks checkbox f after its tag was added to or
// removed from t. A field never set stays unset while its tag is absent.
func syncCheckbox(t *Ticket, f *TicketField) {
	switch cur, has := t.Field(f.ID), t.HasTag(f.Tag); {
	case has && cur != "true":
		t.SetField(f.ID, "true")
	case !has && cur == "true":
		t.SetField(f.ID, "false")
	}
}

func removeTag(tags []string, tag string) []string {
	out := tags[:0:0]
	for _, x := range tags {
		if x != tag {
			out = append(out, x)
		}
	}
	return out
}

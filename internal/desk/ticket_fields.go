package desk

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// applyFields validates and applies the form and custom field values of in, keeping
// dropdown fields and tags in step in both directions.
func (s *Service) applyFields(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, in *TicketInput, before, t *model.Ticket, v *model.ValidationError) error {
	if in.TicketFormID != nil {
		if *in.TicketFormID != 0 {
			if _, err := tx.Form(ctx, *in.TicketFormID); isNotFound(err) {
				v.Add("ticket_form_id", "InvalidValue", "Ticket form: %d does not exist", *in.TicketFormID)
			} else if err != nil {
				return err
			}
		}
		t.TicketFormID = *in.TicketFormID
	}
	tagsEdited := in.Tags != nil || len(in.AdditionalTags) > 0 || len(in.RemoveTags) > 0
	if len(in.CustomFields) == 0 && !tagsEdited {
		return nil
	}
	if tagsEdited {
		model.SyncFieldsFromTags(t, snap.fields)
	}
	for _, fv := range in.CustomFields {
		f, ok := snap.byID[fv.ID]
		if !ok {
			v.Add("custom_fields", "InvalidValue", "Custom field %d does not exist", fv.ID)
			continue
		}
		if msg := checkFieldValue(f, fv.Value); msg != "" {
			v.Errors = append(v.Errors, model.FieldError{Field: "custom_fields", Code: "InvalidValue", Description: f.Title + ": " + msg})
			continue
		}
		model.ApplyFieldValue(t, f, fv.Value)
	}
	return nil
}

// checkFieldValue returns why value doesn't fit field f, or "" when it does.
// An empty value always clears the field.
func checkFieldValue(f *model.TicketField, value string) string {
	if value == "" {
		return ""
	}
	switch f.Type {
	case model.FieldCheckbox:
		if value != "true" && value != "false" {
			return "must be true or false"
		}
	case model.FieldInteger:
		if _, err := strconv.ParseInt(value, 10, 64); err != nil {
			return value + " is not an integer"
		}
	case model.FieldDecimal:
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return value + " is not a decimal number"
		}
	case model.FieldDate:
		if _, err := time.Parse(time.DateOnly, value); err != nil {
			return value + " is not a date (YYYY-MM-DD)"
		}
	case model.FieldRegexp:
		re, err := regexp.Compile(f.RegexpForValidation)
		if err != nil || !re.MatchString(value) {
			return value + " does not match the field's pattern"
		}
	case model.FieldTagger:
		if f.OptionTitle(value) == "" {
			return value + " is not one of the field's options"
		}
	}
	return ""
}

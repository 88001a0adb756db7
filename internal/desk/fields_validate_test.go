package desk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
)

func TestCheckFieldValue(t *testing.T) {
	t.Parallel()
	tagger := &model.TicketField{Type: model.FieldTagger, Options: []model.FieldOption{{Name: "Payroll", Value: "cat_payroll"}}}
	tests := []struct {
		name  string
		field *model.TicketField
		value string
		ok    bool
	}{
		{"empty clears any field", tagger, "", true},
		{"text takes anything", &model.TicketField{Type: model.FieldText}, "ann@example.com", true},
		{"textarea takes newlines", &model.TicketField{Type: model.FieldTextarea}, "a\nb", true},
		{"checkbox true", &model.TicketField{Type: model.FieldCheckbox}, "true", true},
		{"checkbox false", &model.TicketField{Type: model.FieldCheckbox}, "false", true},
		{"checkbox yes", &model.TicketField{Type: model.FieldCheckbox}, "yes", false},
		{"integer", &model.TicketField{Type: model.FieldInteger}, "-42", true},
		{"integer with decimals", &model.TicketField{Type: model.FieldInteger}, "4.2", false},
		{"integer word", &model.TicketField{Type: model.FieldInteger}, "four", false},
		{"decimal", &model.TicketField{Type: model.FieldDecimal}, "4.25", true},
		{"decimal word", &model.TicketField{Type: model.FieldDecimal}, "4,25", false},
		{"date", &model.TicketField{Type: model.FieldDate}, "2026-04-16", true},
		{"date with time", &model.TicketField{Type: model.FieldDate}, "2026-04-16T10:00:00Z", false},
		{"impossible date", &model.TicketField{Type: model.FieldDate}, "2026-02-30", false},
		{"regexp match", &model.TicketField{Type: model.FieldRegexp, RegexpForValidation: `^\d{4}$`}, "1234", true},
		{"regexp mismatch", &model.TicketField{Type: model.FieldRegexp, RegexpForValidation: `^\d{4}$`}, "12345", false},
		{"tagger option", tagger, "cat_payroll", true},
		{"tagger by title is refused", tagger, "Payroll", false},
		{"tagger unknown", tagger, "cat_hr", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := checkFieldValue(tc.field, tc.value)
			require.Equal(t, tc.ok, msg == "", msg)
		})
	}
}

func TestFieldInputApply(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	opts := func(o ...model.FieldOption) *[]model.FieldOption { return &o }
	old := &model.TicketField{ID: 5, Type: model.FieldTagger, Title: "Category",
		Options: []model.FieldOption{{ID: 11, Name: "Payroll", Value: "cat_payroll"}, {ID: 12, Name: "HR", Value: "cat_hr"}}}
	tests := []struct {
		name    string
		in      FieldInput
		old     *model.TicketField
		wantErr string // a substring of the error; "" for none
		check   func(t *testing.T, f *model.TicketField)
	}{
		{name: "text by default", in: FieldInput{Title: str("Secure assignee")},
			check: func(t *testing.T, f *model.TicketField) { require.Equal(t, model.FieldText, f.Type) }},
		{name: "blank title", in: FieldInput{Type: str("text"), Title: str("  ")}, wantErr: "Title: cannot be blank"},
		{name: "unknown type", in: FieldInput{Type: str("multiselect"), Title: str("M")}, wantErr: "is not one of"},
		{name: "regexp needs a pattern", in: FieldInput{Type: str("regexp"), Title: str("R")}, wantErr: "cannot be blank"},
		{name: "regexp must compile", in: FieldInput{Type: str("regexp"), Title: str("R"), Regexp: str("(")}, wantErr: "Regexp for validation"},
		{name: "dropdown needs options", in: FieldInput{Type: str("tagger"), Title: str("D")}, wantErr: "at least one option"},
		{name: "option without name", in: FieldInput{Type: str("tagger"), Title: str("D"), Options: opts(model.FieldOption{Value: "x"})}, wantErr: "has no name"},
		{name: "option tag from its name", in: FieldInput{Type: str("tagger"), Title: str("D"), Options: opts(model.FieldOption{Name: "Pay slip"})},
			check: func(t *testing.T, f *model.TicketField) { require.Equal(t, "pay_slip", f.Options[0].Value) }},
		{name: "option tags are lower-cased", in: FieldInput{Type: str("tagger"), Title: str("D"), Options: opts(model.FieldOption{Name: "A", Value: "Cat_A"})},
			check: func(t *testing.T, f *model.TicketField) { require.Equal(t, "cat_a", f.Options[0].Value) }},
		{name: "option tag with a space", in: FieldInput{Type: str("tagger"), Title: str("D"), Options: opts(model.FieldOption{Name: "A", Value: "a b"})}, wantErr: "can't contain spaces"},
		{name: "duplicate option tags", in: FieldInput{Type: str("tagger"), Title: str("D"),
			Options: opts(model.FieldOption{Name: "A", Value: "x"}, model.FieldOption{Name: "B", Value: "x"})}, wantErr: "used twice"},
		{name: "options dropped from a text field", in: FieldInput{Type: str("text"), Title: str("T"), Options: opts(model.FieldOption{Name: "A", Value: "a"})},
			check: func(t *testing.T, f *model.TicketField) { require.Empty(t, f.Options) }},
		{name: "type can't change", old: old, in: FieldInput{Type: str("text")}, wantErr: "can't be changed"},
		{name: "PUT keeps ids by id and by value, new options get none yet", old: old,
			in: FieldInput{Options: opts(model.FieldOption{ID: 12, Name: "People"}, model.FieldOption{Name: "Payroll", Value: "cat_payroll"},
				model.FieldOption{ID: 999, Name: "Legal", Value: "cat_legal"})},
			check: func(t *testing.T, f *model.TicketField) {
				require.Equal(t, []int64{12, 11, 0}, []int64{f.Options[0].ID, f.Options[1].ID, f.Options[2].ID})
				require.Equal(t, "people", f.Options[0].Value, "a blank value is derived from the new name")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := model.TicketField{Active: true}
			if tc.old != nil {
				f = *tc.old
				f.Options = append([]model.FieldOption(nil), tc.old.Options...)
			}
			err := tc.in.apply(&f, tc.old)
			if tc.wantErr != "" {
				require.Error(t, err)
				require.True(t, strings.Contains(err.Error(), tc.wantErr), err.Error())
				return
			}
			require.NoError(t, err)
			if tc.check != nil {
				tc.check(t, &f)
			}
		})
	}
}

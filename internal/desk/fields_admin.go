package desk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// FieldTypes are the ticket field types twindesk supports.
var FieldTypes = []string{model.FieldText, model.FieldTextarea, model.FieldCheckbox, model.FieldInteger,
	model.FieldDecimal, model.FieldDate, model.FieldRegexp, model.FieldTagger}

// FieldInput is a create or update of a ticket field; nil members are left alone.
// Options, when set, replace the whole option list, as a Zendesk PUT does.
type FieldInput struct {
	Type        *string
	Title       *string
	Description *string
	Active      *bool
	Required    *bool
	Regexp      *string
	Tag         *string
	Position    *int64
	Options     *[]model.FieldOption
}

// SaveField creates (id 0) or updates a ticket field. Admins only. Dropdown
// option values are tags: they must be unique across fields, and an option in use
// on a ticket can't be dropped or renamed (422 naming how many tickets use it).
func (s *Service) SaveField(ctx context.Context, actor model.User, id int64, in FieldInput) (model.TicketField, error) {
	var f model.TicketField
	if err := requireAdmin(actor); err != nil {
		return f, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		all, err := tx.ListFields(ctx)
		if err != nil {
			return err
		}
		var old *model.TicketField
		if id != 0 {
			i := slices.IndexFunc(all, func(x model.TicketField) bool { return x.ID == id })
			if i < 0 {
				return fmt.Errorf("desk: field %d: %w", id, model.ErrNotFound)
			}
			old = &all[i]
			f = *old
		} else {
			f = model.TicketField{Active: true, Position: int64(len(all)) + 1, CreatedAt: s.clock()}
		}
		if err := in.apply(&f, old); err != nil {
			return err
		}
		if err := checkFieldTags(ctx, tx, &f, old, all); err != nil {
			return err
		}
		return s.storeField(ctx, tx, &f)
	})
	return f, err
}

// storeField saves f, allocating ids for new options, and tells every node to
// reload field definitions.
func (s *Service) storeField(ctx context.Context, tx *store.Tx, f *model.TicketField) error {
	f.UpdatedAt = s.clock()
	var err error
	if f.ID == 0 {
		opts := f.Options
		f.Options = nil
		if f.ID, err = tx.SaveField(ctx, f); err != nil {
			return err
		}
		f.Options = opts
	}
	for i := range f.Options {
		if f.Options[i].ID == 0 {
			if f.Options[i].ID, err = tx.NewOptionID(ctx, f.ID); err != nil {
				return err
			}
		}
	}
	if _, err := tx.SaveField(ctx, f); err != nil {
		return err
	}
	return tx.BumpRulesVersion(ctx)
}

// apply copies in onto f and validates the result; old is nil on create.
func (in FieldInput) apply(f *model.TicketField, old *model.TicketField) error {
	v := &model.ValidationError{}
	set(&f.Type, in.Type)
	set(&f.Title, in.Title)
	set(&f.Description, in.Description)
	set(&f.Active, in.Active)
	set(&f.Required, in.Required)
	set(&f.RegexpForValidation, in.Regexp)
	set(&f.Tag, in.Tag)
	set(&f.Position, in.Position)
	if f.Type == "" && old == nil {
		f.Type = model.FieldText // Zendesk's default type
	}
	f.Title = strings.TrimSpace(f.Title)
	f.Tag = strings.ToLower(strings.TrimSpace(f.Tag))
	if old != nil && f.Type != old.Type {
		v.Add("type", "InvalidValue", "Type: can't be changed from %s to %s", old.Type, f.Type)
	}
	if in.Options != nil {
		f.Options = mergeOptions(*in.Options, old)
	}
	if f.Type != model.FieldTagger {
		f.Options = nil
	}
	validateField(f, v)
	return v.OrNil()
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// mergeOptions normalises a new option list and keeps the ids of existing
// options, matched by id or else by value, so a PUT without ids keeps them stable.
func mergeOptions(opts []model.FieldOption, old *model.TicketField) []model.FieldOption {
	out := make([]model.FieldOption, 0, len(opts))
	for _, o := range opts {
		o.Name = strings.TrimSpace(o.Name)
		o.Value = strings.ToLower(strings.TrimSpace(o.Value))
		if o.Value == "" {
			o.Value = tagFromName(o.Name)
		}
		known := false
		if old != nil {
			for _, x := range old.Options {
				if (o.ID != 0 && x.ID == o.ID) || (o.ID == 0 && x.Value == o.Value) {
					o.ID, known = x.ID, true
					break
				}
			}
		}
		if !known {
			o.ID = 0 // a new option, or an id from another field: allocate one
		}
		out = append(out, o)
	}
	return out
}

// tagFromName derives an option tag from its title ("Pay slip" -> "pay_slip").
func tagFromName(name string) string {
	mapped := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_:./", r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, name)
	return strings.Join(strings.Fields(mapped), "_")
}

// validateField checks a field definition on its own (not against other fields).
func validateField(f *model.TicketField, v *model.ValidationError) {
	if !slices.Contains(FieldTypes, f.Type) {
		v.Add("type", "InvalidValue", "Type: %q is not one of %s", f.Type, strings.Join(FieldTypes, ", "))
	}
	if f.Title == "" {
		v.Add("title", "BlankValue", "Title: cannot be blank")
	} else if len(f.Title) > 255 {
		v.Add("title", "TooLong", "Title: is too long (maximum is 255 characters)")
	}
	if f.Type == model.FieldRegexp {
		if f.RegexpForValidation == "" {
			v.Add("regexp_for_validation", "BlankValue", "Regexp for validation: cannot be blank for a regexp field")
		} else if _, err := regexp.Compile(f.RegexpForValidation); err != nil {
			v.Add("regexp_for_validation", "InvalidValue", "Regexp for validation: %v", err)
		}
	}
	if strings.ContainsAny(f.Tag, " \t\n") {
		v.Add("tag", "InvalidValue", "Tag: %q can't contain spaces", f.Tag)
	}
	if f.Type == model.FieldTagger {
		validateOptions(f.Options, v)
	}
}

// validateOptions checks a dropdown's options: at least one, each titled, each
// with a tag of its own.
func validateOptions(opts []model.FieldOption, v *model.ValidationError) {
	if len(opts) == 0 {
		v.Add("custom_field_options", "BlankValue", "Field options: a dropdown needs at least one option")
	}
	seen := map[string]bool{}
	for i, o := range opts {
		switch {
		case o.Name == "":
			v.Add("custom_field_options", "BlankValue", "Field options: option %d has no name", i+1)
		case o.Value == "":
			v.Add("custom_field_options", "BlankValue", "Field options: option %q has no value (tag)", o.Name)
		case strings.ContainsAny(o.Value, " \t\n"):
			v.Add("custom_field_options", "InvalidValue", "Field options: value %q can't contain spaces (it is a tag)", o.Value)
		case seen[o.Value]:
			v.Add("custom_field_options", "DuplicateValue", "Field options: value %q is used twice", o.Value)
		}
		seen[o.Value] = true
	}
}

// checkFieldTags enforces what needs the database: option and checkbox tags are
// unique across fields, and options in use are not dropped or renamed.
func checkFieldTags(ctx context.Context, tx *store.Tx, f, old *model.TicketField, all []model.TicketField) error {
	v := &model.ValidationError{}
	owner := map[string]string{}
	for _, x := range all {
		if x.ID == f.ID {
			continue
		}
		for _, o := range x.Options {
			owner[o.Value] = x.Title
		}
		if x.Type == model.FieldCheckbox && x.Tag != "" {
			owner[x.Tag] = x.Title
		}
	}
	for _, o := range f.Options {
		if other, ok := owner[o.Value]; ok {
			v.Add("custom_field_options", "DuplicateValue", "Field options: tag %q is already used by field %q", o.Value, other)
		}
	}
	if f.Type == model.FieldCheckbox && f.Tag != "" && owner[f.Tag] != "" {
		v.Add("tag", "DuplicateValue", "Tag: %q is already used by field %q", f.Tag, owner[f.Tag])
	}
	if old != nil {
		for _, o := range old.Options {
			if slices.ContainsFunc(f.Options, func(x model.FieldOption) bool { return x.Value == o.Value }) {
				continue
			}
			n, err := tx.FieldUseCount(ctx, f.ID, o.Value)
			if err != nil {
				return err
			}
			if n > 0 {
				v.Add("custom_field_options", "InUse", "Field options: option %q (%s) is set on %d tickets; change those tickets first", o.Name, o.Value, n)
			}
		}
	}
	return v.OrNil()
}

// DeleteField removes a ticket field, and drops it from the forms that list it.
// A field set on any live ticket is not deleted: the 422 says on how many.
func (s *Service) DeleteField(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		f, err := tx.Field(ctx, id)
		if err != nil {
			return err
		}
		n, err := tx.FieldUseCount(ctx, id, "")
		if err != nil {
			return err
		}
		if n > 0 {
			return model.Invalid("ticket_field", "InUse", "Ticket field %q is set on %d tickets; clear it on those tickets first", f.Title, n)
		}
		if err := dropFieldFromForms(ctx, tx, id, s.clock); err != nil {
			return err
		}
		if err := tx.DeleteField(ctx, id); err != nil {
			return err
		}
		return tx.BumpRulesVersion(ctx)
	})
}

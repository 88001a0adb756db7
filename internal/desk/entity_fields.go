package desk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// EntityFieldInput is a create or update of a user or organization field; nil
// members are left alone. Options, when set, replace the dropdown's choices.
type EntityFieldInput struct {
	Key         *string
	Type        *string
	Title       *string
	Description *string
	Active      *bool
	Regexp      *string
	Tag         *string
	Position    *int64
	Options     *[]model.FieldOption
}

// entityKey is what Zendesk allows in a field key: letters, digits and
// underscores, not digits only (the key is a placeholder name).
var entityKey = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// EntityFields lists the user (or organization) fields. Agents and admins, as
// in Zendesk; an end user gets 403.
func (s *Service) EntityFields(ctx context.Context, actor model.User, entity string) ([]model.EntityField, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.db.Read().EntityFields(ctx, entity)
}

// EntityField loads one user (or organization) field, for staff.
func (s *Service) EntityField(ctx context.Context, actor model.User, entity string, id int64) (model.EntityField, error) {
	if err := requireStaff(actor); err != nil {
		return model.EntityField{}, err
	}
	return s.db.Read().EntityField(ctx, entity, id)
}

// SaveEntityField creates (id 0) or updates a user or organization field.
// Admins only. The key is set at creation and never changes; a key the entity
// already has is a 422 DuplicateValue.
func (s *Service) SaveEntityField(ctx context.Context, actor model.User, entity string, id int64, in EntityFieldInput) (model.EntityField, error) {
	var f model.EntityField
	if err := requireAdmin(actor); err != nil {
		return f, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		var old *model.EntityField
		if id != 0 {
			cur, err := tx.EntityField(ctx, entity, id)
			if err != nil {
				return err
			}
			old, f = &cur, cur
		} else {
			all, err := tx.EntityFields(ctx, entity)
			if err != nil {
				return err
			}
			f = model.EntityField{Entity: entity, Active: true, Position: int64(len(all)) + 1, CreatedAt: s.clock()}
		}
		if err := in.apply(&f, old); err != nil {
			return err
		}
		f.UpdatedAt = s.clock()
		for i := range f.Options {
			if f.Options[i].ID == 0 {
				var err error
				if f.Options[i].ID, err = tx.NewOptionID(ctx, f.ID); err != nil {
					return err
				}
			}
		}
		var err error
		f.ID, err = tx.SaveEntityField(ctx, &f)
		if errors.Is(err, model.ErrConflict) {
			return model.Invalid("key", "DuplicateValue", "Key: %q has already been taken", f.Key)
		}
		return err
	})
	return f, err
}

// apply copies in onto f and validates the result; old is nil on create.
func (in EntityFieldInput) apply(f *model.EntityField, old *model.EntityField) error {
	v := &model.ValidationError{}
	if old != nil && in.Key != nil && *in.Key != old.Key {
		v.Add("key", "InvalidValue", "Key: can't be changed (it is %q)", old.Key)
	}
	if old != nil && in.Type != nil && *in.Type != old.Type {
		v.Add("type", "InvalidValue", "Type: can't be changed from %s to %s", old.Type, *in.Type)
	}
	if old == nil {
		set(&f.Key, in.Key)
		set(&f.Type, in.Type)
	}
	set(&f.Title, in.Title)
	set(&f.Description, in.Description)
	set(&f.Active, in.Active)
	set(&f.RegexpForValidation, in.Regexp)
	set(&f.Tag, in.Tag)
	set(&f.Position, in.Position)
	f.Title, f.Tag = strings.TrimSpace(f.Title), strings.ToLower(strings.TrimSpace(f.Tag))
	if in.Options != nil {
		var prev *model.TicketField
		if old != nil {
			prev = &model.TicketField{Options: old.Options}
		}
		f.Options = mergeOptions(*in.Options, prev)
	}
	if f.Type != "dropdown" {
		f.Options = nil
	}
	switch {
	case f.Key == "":
		v.Add("key", "BlankValue", "Key: cannot be blank")
	case !entityKey.MatchString(f.Key) || strings.Trim(f.Key, "0123456789") == "":
		v.Add("key", "InvalidValue", "Key: %q must be letters, digits and underscores, and not only digits", f.Key)
	}
	if !slices.Contains(model.EntityFieldTypes, f.Type) {
		v.Add("type", "InvalidValue", "Type: %q is not one of %s", f.Type, strings.Join(model.EntityFieldTypes, ", "))
	}
	// The checks a ticket field's title, regexp, tag and options get.
	tf := model.TicketField{Type: model.FieldText, Title: f.Title, RegexpForValidation: f.RegexpForValidation, Tag: f.Tag}
	if f.Type == model.FieldRegexp {
		tf.Type = model.FieldRegexp
	}
	validateField(&tf, v)
	if f.Type == "dropdown" {
		validateOptions(f.Options, v)
	}
	return v.OrNil()
}

// DeleteEntityField removes a user or organization field. Admins only.
func (s *Service) DeleteEntityField(ctx context.Context, actor model.User, entity string, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteEntityField(ctx, entity, id) })
	if err != nil {
		return fmt.Errorf("desk: delete %s field %d: %w", entity, id, err)
	}
	return nil
}

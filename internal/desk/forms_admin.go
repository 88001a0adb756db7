package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// FormInput is a create or update of a ticket form; nil members are left alone.
type FormInput struct {
	Name           *string
	DisplayName    *string
	Position       *int64
	Active         *bool
	Default        *bool
	EndUserVisible *bool
	TicketFieldIDs *[]int64
}

// SaveForm creates (id 0) or updates a ticket form. Admins only. The fields it
// lists must exist; one form is the default, as in Zendesk (the first form made,
// or the last one saved with default true).
func (s *Service) SaveForm(ctx context.Context, actor model.User, id int64, in FormInput) (model.TicketForm, error) {
	var f model.TicketForm
	if err := requireAdmin(actor); err != nil {
		return f, err
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		forms, err := tx.ListForms(ctx)
		if err != nil {
			return err
		}
		if id != 0 {
			if f, err = tx.Form(ctx, id); err != nil {
				return err
			}
		} else {
			f = model.TicketForm{Active: true, EndUserVisible: true, Default: len(forms) == 0,
				Position: int64(len(forms)) + 1, CreatedAt: s.clock()}
		}
		if err := in.apply(ctx, tx, &f); err != nil {
			return err
		}
		f.UpdatedAt = s.clock()
		if f.ID, err = tx.SaveForm(ctx, &f); err != nil {
			return err
		}
		if f.Default {
			return tx.ClearDefaultForm(ctx, f.ID)
		}
		return nil
	})
	return f, err
}

// apply copies in onto f and validates it.
func (in FormInput) apply(ctx context.Context, tx *store.Tx, f *model.TicketForm) error {
	set(&f.Name, in.Name)
	set(&f.DisplayName, in.DisplayName)
	set(&f.Position, in.Position)
	set(&f.Active, in.Active)
	set(&f.Default, in.Default)
	set(&f.EndUserVisible, in.EndUserVisible)
	f.Name = strings.TrimSpace(f.Name)
	if f.DisplayName == "" {
		f.DisplayName = f.Name
	}
	v := &model.ValidationError{}
	if f.Name == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	}
	if in.TicketFieldIDs != nil {
		fields, err := tx.ListFields(ctx)
		if err != nil {
			return err
		}
		f.TicketFieldIDs = nil
		for _, id := range *in.TicketFieldIDs {
			if !slices.ContainsFunc(fields, func(x model.TicketField) bool { return x.ID == id }) {
				v.Add("ticket_field_ids", "InvalidValue", "Ticket fields: field %d does not exist", id)
			} else if !slices.Contains(f.TicketFieldIDs, id) {
				f.TicketFieldIDs = append(f.TicketFieldIDs, id)
			}
		}
	}
	return v.OrNil()
}

// DeleteForm removes a ticket form that no live ticket uses. Admins only.
func (s *Service) DeleteForm(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		f, err := tx.Form(ctx, id)
		if err != nil {
			return err
		}
		n, err := tx.FormUseCount(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return model.Invalid("ticket_form", "InUse", "Ticket form %q is used by %d tickets; move them to another form first", f.Name, n)
		}
		return tx.DeleteForm(ctx, id)
	})
}

// dropFieldFromForms removes field id from every form listing it.
func dropFieldFromForms(ctx context.Context, tx *store.Tx, id int64, now func() time.Time) error {
	forms, err := tx.ListForms(ctx)
	if err != nil {
		return err
	}
	for i := range forms {
		f := &forms[i]
		if !slices.Contains(f.TicketFieldIDs, id) {
			continue
		}
		f.TicketFieldIDs = slices.DeleteFunc(f.TicketFieldIDs, func(x int64) bool { return x == id })
		f.UpdatedAt = now()
		if _, err := tx.SaveForm(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

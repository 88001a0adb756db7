package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

const fieldCols = `id, type, title, description, active, required, regexp, tag, position, options, created_at, updated_at`

// ListFields returns every ticket field, by position then id.
func (q *Queries) ListFields(ctx context.Context) ([]model.TicketField, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+fieldCols+` FROM ticket_fields ORDER BY position, id`)
	if err != nil {
		return nil, q.wrap("list fields", err)
	}
	defer rows.Close()
	var out []model.TicketField
	for rows.Next() {
		var f model.TicketField
		var opts string
		var c, u int64
		if err := rows.Scan(&f.ID, &f.Type, &f.Title, &f.Description, &f.Active, &f.Required, &f.RegexpForValidation,
			&f.Tag, &f.Position, &opts, &c, &u); err != nil {
			return nil, q.wrap("scan field", err)
		}
		if err := json.Unmarshal([]byte(opts), &f.Options); err != nil {
			return nil, fmt.Errorf("store: decode options of field %d: %w", f.ID, err)
		}
		f.CreatedAt, f.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, f)
	}
	return out, q.wrapIf("list fields", rows.Err())
}

// Field loads one ticket field.
func (q *Queries) Field(ctx context.Context, id int64) (model.TicketField, error) {
	all, err := q.ListFields(ctx)
	if err != nil {
		return model.TicketField{}, err
	}
	for _, f := range all {
		if f.ID == id {
			return f, nil
		}
	}
	return model.TicketField{}, fmt.Errorf("store: field %d: %w", id, model.ErrNotFound)
}

// NewOptionID allocates an id for a dropdown option.
func (q *Queries) NewOptionID(ctx context.Context, fieldID int64) (int64, error) {
	return q.insertID(ctx, "new option id", `INSERT INTO field_option_ids (field_id) VALUES ($1) RETURNING id`, fieldID)
}

// SaveField inserts (ID 0) or updates a field and returns its id.
func (q *Queries) SaveField(ctx context.Context, f *model.TicketField) (int64, error) {
	opts, err := json.Marshal(nonNil(f.Options))
	if err != nil {
		return 0, fmt.Errorf("store: encode options: %w", err)
	}
	if f.ID == 0 {
		return q.insertID(ctx, "create field", `INSERT INTO ticket_fields (type, title, description, active, required, regexp,
			tag, position, options, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			f.Type, f.Title, f.Description, f.Active, f.Required, f.RegexpForValidation, f.Tag, f.Position, string(opts),
			ts(f.CreatedAt), ts(f.UpdatedAt))
	}
	return f.ID, q.exec(ctx, "update field", true, `UPDATE ticket_fields SET title = $1, description = $2, active = $3,
		required = $4, regexp = $5, tag = $6, position = $7, options = $8, updated_at = $9 WHERE id = $10`,
		f.Title, f.Description, f.Active, f.Required, f.RegexpForValidation, f.Tag, f.Position, string(opts), ts(f.UpdatedAt), f.ID)
}

// DeleteField removes a field definition.
func (q *Queries) DeleteField(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete field", true, `DELETE FROM ticket_fields WHERE id = $1`, id)
}

// FieldInUse reports whether any live ticket has a value for field id (and, when
// value is not empty, that exact value).
func (q *Queries) FieldInUse(ctx context.Context, id int64, value string) (bool, error) {
	needle := fmt.Sprintf(`%%{"id":%d,"value":%%`, id)
	if value != "" {
		v, _ := json.Marshal(value)
		needle = fmt.Sprintf(`%%{"id":%d,"value":%s}%%`, id, v)
	}
	n, err := q.count(ctx, "field in use", `SELECT COUNT(*) FROM tickets WHERE custom_fields LIKE $1 AND deleted_at IS NULL`, needle)
	return n > 0, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

const formCols = `id, name, display_name, position, active, is_default, end_user_visible, field_ids, created_at, updated_at`

// ListForms returns every ticket form by position then id.
func (q *Queries) ListForms(ctx context.Context) ([]model.TicketForm, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+formCols+` FROM ticket_forms ORDER BY position, id`)
	if err != nil {
		return nil, q.wrap("list forms", err)
	}
	defer rows.Close()
	var out []model.TicketForm
	for rows.Next() {
		var f model.TicketForm
		var ids string
		var c, u int64
		if err := rows.Scan(&f.ID, &f.Name, &f.DisplayName, &f.Position, &f.Active, &f.Default, &f.EndUserVisible, &ids, &c, &u); err != nil {
			return nil, q.wrap("scan form", err)
		}
		if err := json.Unmarshal([]byte(ids), &f.TicketFieldIDs); err != nil {
			return nil, fmt.Errorf("store: decode form %d: %w", f.ID, err)
		}
		f.CreatedAt, f.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, f)
	}
	return out, q.wrapIf("list forms", rows.Err())
}

// Form loads one ticket form.
func (q *Queries) Form(ctx context.Context, id int64) (model.TicketForm, error) {
	all, err := q.ListForms(ctx)
	if err != nil {
		return model.TicketForm{}, err
	}
	for _, f := range all {
		if f.ID == id {
			return f, nil
		}
	}
	return model.TicketForm{}, fmt.Errorf("store: form %d: %w", id, model.ErrNotFound)
}

// SaveForm inserts (ID 0) or updates a form and returns its id.
func (q *Queries) SaveForm(ctx context.Context, f *model.TicketForm) (int64, error) {
	ids, _ := json.Marshal(nonNil(f.TicketFieldIDs)) // []int64 always marshals
	if f.ID == 0 {
		return q.insertID(ctx, "create form", `INSERT INTO ticket_forms (name, display_name, position, active, is_default,
			end_user_visible, field_ids, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			f.Name, f.DisplayName, f.Position, f.Active, f.Default, f.EndUserVisible, string(ids), ts(f.CreatedAt), ts(f.UpdatedAt))
	}
	return f.ID, q.exec(ctx, "update form", true, `UPDATE ticket_forms SET name = $1, display_name = $2, position = $3,
		active = $4, is_default = $5, end_user_visible = $6, field_ids = $7, updated_at = $8 WHERE id = $9`,
		f.Name, f.DisplayName, f.Position, f.Active, f.Default, f.EndUserVisible, string(ids), ts(f.UpdatedAt), f.ID)
}

// DeleteForm removes a form.
func (q *Queries) DeleteForm(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete form", true, `DELETE FROM ticket_forms WHERE id = $1`, id)
}

package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// User and organization fields are few (dozens) and read whole.

const entityFieldCols = `id, entity, field_key, type, title, description, position, active, regexp_for_validation,
	tag, options, created_at, updated_at`

// EntityFields lists entity's custom fields by position, then id.
func (q *Queries) EntityFields(ctx context.Context, entity string) ([]model.EntityField, error) {
	return q.entityFields(ctx, `SELECT `+entityFieldCols+` FROM entity_fields WHERE entity = $1 ORDER BY position, id`, entity)
}

// EntityField loads one of entity's custom fields.
func (q *Queries) EntityField(ctx context.Context, entity string, id int64) (model.EntityField, error) {
	fs, err := q.entityFields(ctx, `SELECT `+entityFieldCols+` FROM entity_fields WHERE entity = $1 AND id = $2`, entity, id)
	if err != nil {
		return model.EntityField{}, err
	}
	if len(fs) == 0 {
		return model.EntityField{}, fmt.Errorf("store: %s field %d: %w", entity, id, model.ErrNotFound)
	}
	return fs[0], nil
}

func (q *Queries) entityFields(ctx context.Context, query string, args ...any) ([]model.EntityField, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list entity fields", err)
	}
	defer rows.Close()
	var out []model.EntityField
	for rows.Next() {
		var f model.EntityField
		var opts string
		var c, u int64
		if err := rows.Scan(&f.ID, &f.Entity, &f.Key, &f.Type, &f.Title, &f.Description, &f.Position, &f.Active,
			&f.RegexpForValidation, &f.Tag, &opts, &c, &u); err != nil {
			return nil, q.wrap("scan entity field", err)
		}
		if err := json.Unmarshal([]byte(opts), &f.Options); err != nil {
			return nil, fmt.Errorf("store: decode options of field %d: %w", f.ID, err)
		}
		f.CreatedAt, f.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, f)
	}
	return out, q.wrapIf("list entity fields", rows.Err())
}

// SaveEntityField inserts (ID 0) or updates a field and returns its id. A key
// taken in the entity is model.ErrConflict.
func (q *Queries) SaveEntityField(ctx context.Context, f *model.EntityField) (int64, error) {
	opts, err := json.Marshal(nonNil(f.Options))
	if err != nil {
		return 0, fmt.Errorf("store: encode field options: %w", err)
	}
	if f.ID == 0 {
		return q.insertID(ctx, "create entity field", `INSERT INTO entity_fields (entity, field_key, type, title, description,
			position, active, regexp_for_validation, tag, options, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			f.Entity, f.Key, f.Type, f.Title, f.Description, f.Position, f.Active, f.RegexpForValidation, f.Tag,
			string(opts), ts(f.CreatedAt), ts(f.UpdatedAt))
	}
	return f.ID, q.exec(ctx, "update entity field", true, `UPDATE entity_fields SET title = $1, description = $2,
		position = $3, active = $4, regexp_for_validation = $5, tag = $6, options = $7, updated_at = $8
		WHERE id = $9 AND entity = $10`,
		f.Title, f.Description, f.Position, f.Active, f.RegexpForValidation, f.Tag, string(opts), ts(f.UpdatedAt), f.ID, f.Entity)
}

// DeleteEntityField removes one of entity's fields and every value of it.
func (q *Queries) DeleteEntityField(ctx context.Context, entity string, id int64) error {
	if err := q.exec(ctx, "delete entity field", true, `DELETE FROM entity_fields WHERE id = $1 AND entity = $2`, id, entity); err != nil {
		return err
	}
	return q.exec(ctx, "delete entity field values", false, `DELETE FROM entity_field_values WHERE field_id = $1`, id)
}

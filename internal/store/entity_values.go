package store

import (
	"context"
	"fmt"
)

// Values of user and organization fields (migration 039). A record has a row
// only for a field it has a value in.

// EntityValues returns the values of entity's fields held by the records ids
// (users or organizations): by record id, then field id. One query whatever
// the number of records, so a page of users costs one more read, not one per user.
func (q *Queries) EntityValues(ctx context.Context, entity string, ids []int64) (map[int64]map[int64]string, error) {
	out := map[int64]map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, []any{entity})
	rows, err := q.q.QueryContext(ctx, `SELECT v.entity_id, v.field_id, v.value FROM entity_field_values v
		JOIN entity_fields f ON f.id = v.field_id WHERE f.entity = $1 AND v.entity_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, q.wrap("list field values", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, field int64
		var v string
		if err := rows.Scan(&id, &field, &v); err != nil {
			return nil, q.wrap("scan field value", err)
		}
		if out[id] == nil {
			out[id] = map[int64]string{}
		}
		out[id][field] = v
	}
	return out, q.wrapIf("list field values", rows.Err())
}

// SetEntityValues writes record id's values by field id; "" removes a value.
// The caller has checked that each field belongs to the record's entity.
func (q *Queries) SetEntityValues(ctx context.Context, id int64, values map[int64]string) error {
	for field, v := range values {
		var err error
		if v == "" {
			err = q.exec(ctx, "clear field value", false, `DELETE FROM entity_field_values WHERE entity_id = $1 AND field_id = $2`, id, field)
		} else {
			err = q.exec(ctx, "set field value", false, `INSERT INTO entity_field_values (entity_id, field_id, value)
				VALUES ($1, $2, $3) ON CONFLICT (entity_id, field_id) DO UPDATE SET value = excluded.value`, id, field, v)
		}
		if err != nil {
			return fmt.Errorf("store: field %d of record %d: %w", field, id, err)
		}
	}
	return nil
}

// EntityIDsWithValue lists the records (by id, ascending) whose value in field
// is exactly value: search's field conditions (employee_number:1234).
func (q *Queries) EntityIDsWithValue(ctx context.Context, field int64, value string) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT entity_id FROM entity_field_values WHERE field_id = $1 AND value = $2
		ORDER BY entity_id`, field, value)
	if err != nil {
		return nil, q.wrap("find field value", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, q.wrap("scan field value", err)
		}
		ids = append(ids, id)
	}
	return ids, q.wrapIf("find field value", rows.Err())
}

package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
)

// Macros and views are few (hundreds at most) and read whole, so their lists
// load every row and the desk filters them by who may see each.

const macroCols = `id, title, description, active, position, actions, restriction_type, restriction_ids, created_at, updated_at`

// restrictionCols returns what a restriction stores: its type, its ids as JSON
// and the owner of a personal rule (NULL otherwise), which is indexed.
func restrictionCols(r *model.Restriction) (string, string, any) {
	if r == nil {
		return "", "[]", nil
	}
	ids, _ := json.Marshal(nonNil(r.IDs)) // a slice of ints always marshals
	var owner any
	if r.Personal() && len(r.IDs) == 1 {
		owner = r.IDs[0]
	}
	return r.Type, string(ids), owner
}

func decodeRestriction(typ, ids string) (*model.Restriction, error) {
	if typ == "" {
		return nil, nil
	}
	r := &model.Restriction{Type: typ}
	if err := json.Unmarshal([]byte(ids), &r.IDs); err != nil {
		return nil, fmt.Errorf("store: decode restriction: %w", err)
	}
	return r, nil
}

// ListMacros returns every macro by position then id.
func (q *Queries) ListMacros(ctx context.Context) ([]model.Macro, error) {
	return q.macros(ctx, `SELECT `+macroCols+` FROM macros ORDER BY position, id`)
}

// Macro loads one macro.
func (q *Queries) Macro(ctx context.Context, id int64) (model.Macro, error) {
	ms, err := q.macros(ctx, `SELECT `+macroCols+` FROM macros WHERE id = $1`, id)
	if err != nil {
		return model.Macro{}, err
	}
	if len(ms) == 0 {
		return model.Macro{}, fmt.Errorf("store: macro %d: %w", id, model.ErrNotFound)
	}
	return ms[0], nil
}

func (q *Queries) macros(ctx context.Context, query string, args ...any) ([]model.Macro, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list macros", err)
	}
	defer rows.Close()
	var out []model.Macro
	for rows.Next() {
		var m model.Macro
		var acts, rtype, rids string
		var c, u int64
		if err := rows.Scan(&m.ID, &m.Title, &m.Description, &m.Active, &m.Position, &acts, &rtype, &rids, &c, &u); err != nil {
			return nil, q.wrap("scan macro", err)
		}
		if err := json.Unmarshal([]byte(acts), &m.Actions); err != nil {
			return nil, fmt.Errorf("store: decode macro %d actions: %w", m.ID, err)
		}
		if m.Restriction, err = decodeRestriction(rtype, rids); err != nil {
			return nil, err
		}
		m.CreatedAt, m.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, m)
	}
	return out, q.wrapIf("list macros", rows.Err())
}

// SaveMacro inserts (ID 0) or updates a macro and returns its id.
func (q *Queries) SaveMacro(ctx context.Context, m *model.Macro) (int64, error) {
	acts, err := json.Marshal(nonNil(m.Actions))
	if err != nil {
		return 0, fmt.Errorf("store: encode macro actions: %w", err)
	}
	rtype, rids, owner := restrictionCols(m.Restriction)
	if m.ID == 0 {
		return q.insertID(ctx, "create macro", `INSERT INTO macros (title, description, active, position, actions,
			restriction_type, restriction_ids, owner_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			m.Title, m.Description, m.Active, m.Position, string(acts), rtype, rids, owner, ts(m.CreatedAt), ts(m.UpdatedAt))
	}
	return m.ID, q.exec(ctx, "update macro", true, `UPDATE macros SET title = $1, description = $2, active = $3,
		position = $4, actions = $5, restriction_type = $6, restriction_ids = $7, owner_id = $8, updated_at = $9
		WHERE id = $10`, m.Title, m.Description, m.Active, m.Position, string(acts), rtype, rids, owner, ts(m.UpdatedAt), m.ID)
}

// DeleteMacro removes a macro.
func (q *Queries) DeleteMacro(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete macro", true, `DELETE FROM macros WHERE id = $1`, id)
}

const viewCols = `id, title, description, active, position, conditions, execution, restriction_type, restriction_ids, created_at, updated_at`

// ListTicketViews returns every view by position then id.
func (q *Queries) ListTicketViews(ctx context.Context) ([]model.View, error) {
	return q.ticketViews(ctx, `SELECT `+viewCols+` FROM ticket_views ORDER BY position, id`)
}

// TicketView loads one view.
func (q *Queries) TicketView(ctx context.Context, id int64) (model.View, error) {
	vs, err := q.ticketViews(ctx, `SELECT `+viewCols+` FROM ticket_views WHERE id = $1`, id)
	if err != nil {
		return model.View{}, err
	}
	if len(vs) == 0 {
		return model.View{}, fmt.Errorf("store: view %d: %w", id, model.ErrNotFound)
	}
	return vs[0], nil
}

func (q *Queries) ticketViews(ctx context.Context, query string, args ...any) ([]model.View, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list views", err)
	}
	defer rows.Close()
	var out []model.View
	for rows.Next() {
		var v model.View
		var conds, exec, rtype, rids string
		var c, u int64
		if err := rows.Scan(&v.ID, &v.Title, &v.Description, &v.Active, &v.Position, &conds, &exec, &rtype, &rids, &c, &u); err != nil {
			return nil, q.wrap("scan view", err)
		}
		if err := json.Unmarshal([]byte(conds), &v.Conditions); err != nil {
			return nil, fmt.Errorf("store: decode view %d conditions: %w", v.ID, err)
		}
		if err := json.Unmarshal([]byte(exec), &v.Execution); err != nil {
			return nil, fmt.Errorf("store: decode view %d execution: %w", v.ID, err)
		}
		if v.Restriction, err = decodeRestriction(rtype, rids); err != nil {
			return nil, err
		}
		v.CreatedAt, v.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, v)
	}
	return out, q.wrapIf("list views", rows.Err())
}

// SaveTicketView inserts (ID 0) or updates a view and returns its id.
func (q *Queries) SaveTicketView(ctx context.Context, v *model.View) (int64, error) {
	conds, err := json.Marshal(v.Conditions)
	if err != nil {
		return 0, fmt.Errorf("store: encode view conditions: %w", err)
	}
	exec, err := json.Marshal(v.Execution)
	if err != nil {
		return 0, fmt.Errorf("store: encode view execution: %w", err)
	}
	rtype, rids, owner := restrictionCols(v.Restriction)
	if v.ID == 0 {
		return q.insertID(ctx, "create view", `INSERT INTO ticket_views (title, description, active, position, conditions,
			execution, restriction_type, restriction_ids, owner_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			v.Title, v.Description, v.Active, v.Position, string(conds), string(exec), rtype, rids, owner, ts(v.CreatedAt), ts(v.UpdatedAt))
	}
	return v.ID, q.exec(ctx, "update view", true, `UPDATE ticket_views SET title = $1, description = $2, active = $3,
		position = $4, conditions = $5, execution = $6, restriction_type = $7, restriction_ids = $8, owner_id = $9,
		updated_at = $10 WHERE id = $11`, v.Title, v.Description, v.Active, v.Position, string(conds), string(exec),
		rtype, rids, owner, ts(v.UpdatedAt), v.ID)
}

// DeleteTicketView removes a view.
func (q *Queries) DeleteTicketView(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete view", true, `DELETE FROM ticket_views WHERE id = $1`, id)
}

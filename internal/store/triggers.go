package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/twindesk/twindesk/internal/model"
)

const triggerCols = `id, title, description, active, position, conditions, actions, created_at, updated_at`

// ListTriggers returns triggers by position then id; activeOnly filters inactive ones.
func (q *Queries) ListTriggers(ctx context.Context, activeOnly bool) ([]model.Trigger, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+triggerCols+` FROM triggers WHERE ($1 = FALSE OR active) ORDER BY position, id`, activeOnly)
	if err != nil {
		return nil, q.wrap("list triggers", err)
	}
	defer rows.Close()
	var out []model.Trigger
	for rows.Next() {
		var t model.Trigger
		var conds, acts string
		var c, u int64
		if err := rows.Scan(&t.ID, &t.Title, &t.Description, &t.Active, &t.Position, &conds, &acts, &c, &u); err != nil {
			return nil, q.wrap("scan trigger", err)
		}
		if err := json.Unmarshal([]byte(conds), &t.Conditions); err != nil {
			return nil, fmt.Errorf("store: decode trigger %d conditions: %w", t.ID, err)
		}
		if err := json.Unmarshal([]byte(acts), &t.Actions); err != nil {
			return nil, fmt.Errorf("store: decode trigger %d actions: %w", t.ID, err)
		}
		t.CreatedAt, t.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, t)
	}
	return out, q.wrapIf("list triggers", rows.Err())
}

// Trigger loads one trigger.
func (q *Queries) Trigger(ctx context.Context, id int64) (model.Trigger, error) {
	all, err := q.ListTriggers(ctx, false)
	if err != nil {
		return model.Trigger{}, err
	}
	for _, t := range all {
		if t.ID == id {
			return t, nil
		}
	}
	return model.Trigger{}, fmt.Errorf("store: trigger %d: %w", id, model.ErrNotFound)
}

// SaveTrigger inserts (ID 0) or updates a trigger and bumps the rules version.
func (q *Queries) SaveTrigger(ctx context.Context, t *model.Trigger) (int64, error) {
	conds, err := json.Marshal(t.Conditions)
	if err != nil {
		return 0, fmt.Errorf("store: encode conditions: %w", err)
	}
	acts, err := json.Marshal(nonNil(t.Actions))
	if err != nil {
		return 0, fmt.Errorf("store: encode actions: %w", err)
	}
	if err := q.BumpRulesVersion(ctx); err != nil {
		return 0, err
	}
	if t.ID == 0 {
		return q.insertID(ctx, "create trigger", `INSERT INTO triggers (title, description, active, position, conditions,
			actions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.Title, t.Description, t.Active, t.Position, string(conds), string(acts), ts(t.CreatedAt), ts(t.UpdatedAt))
	}
	return t.ID, q.exec(ctx, "update trigger", true, `UPDATE triggers SET title = $1, description = $2, active = $3,
		position = $4, conditions = $5, actions = $6, updated_at = $7 WHERE id = $8`,
		t.Title, t.Description, t.Active, t.Position, string(conds), string(acts), ts(t.UpdatedAt), t.ID)
}

// DeleteTrigger removes a trigger and bumps the rules version.
func (q *Queries) DeleteTrigger(ctx context.Context, id int64) error {
	if err := q.BumpRulesVersion(ctx); err != nil {
		return err
	}
	return q.exec(ctx, "delete trigger", true, `DELETE FROM triggers WHERE id = $1`, id)
}

// SetTriggerPosition moves one trigger.
func (q *Queries) SetTriggerPosition(ctx context.Context, id, pos int64) error {
	if err := q.BumpRulesVersion(ctx); err != nil {
		return err
	}
	return q.exec(ctx, "reorder trigger", true, `UPDATE triggers SET position = $1 WHERE id = $2`, pos, id)
}

// RulesVersion returns the trigger set's version: a value that names one
// committed state of the triggers and fields, compared for equality only.
func (q *Queries) RulesVersion(ctx context.Context) (int64, error) {
	return q.count(ctx, "rules version", `SELECT version FROM rule_versions WHERE name = 'triggers'`)
}

// BumpRulesVersion marks the trigger set as changed. The new version is random,
// not the old one plus one: a bump that rolls back must not hand its version to
// the next one, or a rule set cached by a reader inside the rolled-back
// transaction (with a trigger that was never saved) would pass for the next
// committed one.
func (q *Queries) BumpRulesVersion(ctx context.Context) error {
	return q.exec(ctx, "bump rules version", true, `UPDATE rule_versions SET version = $1 WHERE name = 'triggers'`,
		rand.Int64N(math.MaxInt64-1)+1)
}

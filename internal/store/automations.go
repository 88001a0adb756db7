package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const automationCols = `id, title, description, active, position, is_default, conditions, actions, created_at, updated_at`

// ListAutomations returns automations by position then id; activeOnly filters inactive ones.
func (q *Queries) ListAutomations(ctx context.Context, activeOnly bool) ([]model.Automation, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+automationCols+` FROM automations WHERE ($1 = FALSE OR active) ORDER BY position, id`, activeOnly)
	if err != nil {
		return nil, q.wrap("list automations", err)
	}
	defer rows.Close()
	var out []model.Automation
	for rows.Next() {
		var a model.Automation
		var conds, acts string
		var c, u int64
		if err := rows.Scan(&a.ID, &a.Title, &a.Description, &a.Active, &a.Position, &a.Default, &conds, &acts, &c, &u); err != nil {
			return nil, q.wrap("scan automation", err)
		}
		if err := json.Unmarshal([]byte(conds), &a.Conditions); err != nil {
			return nil, fmt.Errorf("store: decode automation %d conditions: %w", a.ID, err)
		}
		if err := json.Unmarshal([]byte(acts), &a.Actions); err != nil {
			return nil, fmt.Errorf("store: decode automation %d actions: %w", a.ID, err)
		}
		a.CreatedAt, a.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, a)
	}
	return out, q.wrapIf("list automations", rows.Err())
}

// Automation loads one automation.
func (q *Queries) Automation(ctx context.Context, id int64) (model.Automation, error) {
	all, err := q.ListAutomations(ctx, false)
	if err != nil {
		return model.Automation{}, err
	}
	for _, a := range all {
		if a.ID == id {
			return a, nil
		}
	}
	return model.Automation{}, fmt.Errorf("store: automation %d: %w", id, model.ErrNotFound)
}

// SaveAutomation inserts (ID 0) or updates an automation.
func (q *Queries) SaveAutomation(ctx context.Context, a *model.Automation) (int64, error) {
	conds, err := json.Marshal(a.Conditions)
	if err != nil {
		return 0, fmt.Errorf("store: encode conditions: %w", err)
	}
	acts, err := json.Marshal(nonNil(a.Actions))
	if err != nil {
		return 0, fmt.Errorf("store: encode actions: %w", err)
	}
	if a.ID == 0 {
		return q.insertID(ctx, "create automation", `INSERT INTO automations (title, description, active, position,
			conditions, actions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.Title, a.Description, a.Active, a.Position, string(conds), string(acts), ts(a.CreatedAt), ts(a.UpdatedAt))
	}
	return a.ID, q.exec(ctx, "update automation", true, `UPDATE automations SET title = $1, description = $2,
		active = $3, position = $4, conditions = $5, actions = $6, updated_at = $7 WHERE id = $8`,
		a.Title, a.Description, a.Active, a.Position, string(conds), string(acts), ts(a.UpdatedAt), a.ID)
}

// DeleteAutomation removes an automation and what it remembers firing on.
func (q *Queries) DeleteAutomation(ctx context.Context, id int64) error {
	if err := q.exec(ctx, "delete automation", true, `DELETE FROM automations WHERE id = $1`, id); err != nil {
		return err
	}
	return q.exec(ctx, "forget automation fires", false, `DELETE FROM automation_fires WHERE automation_id = $1`, id)
}

// ClockRange selects tickets whose clock lies in [Min, Max]; a zero bound is open.
type ClockRange struct {
	Clock    string // a rules.Clock name
	Min, Max time.Time
}

// clockColumns maps clock names to ticket_clocks columns.
var clockColumns = map[string]string{
	"created": "created_at", "updated": "updated_at", "solved": "solved_at", "pending": "pending_at",
	"hold": "hold_at", "assigned": "assigned_at", "requester_updated": "requester_updated_at",
	"assignee_updated": "assignee_updated_at",
}

// AutomationCandidates returns, sorted and without repeats, the ids of open
// tickets with a clock in one of the ranges: one range scan of an index per
// range, so the cost follows the tickets that can match, not all tickets.
func (q *Queries) AutomationCandidates(ctx context.Context, ranges []ClockRange) ([]int64, error) {
	var ids []int64
	for _, r := range ranges {
		col, table, extra := clockColumns[r.Clock], "ticket_clocks", ""
		if r.Clock == "next_breach" || r.Clock == "last_breach" {
			col, table, extra = "breach_at", "ticket_sla", " AND fulfilled_at IS NULL"
		}
		if col == "" {
			return nil, fmt.Errorf("store: automation candidates: unknown clock %q", r.Clock)
		}
		lo, hi := int64(-1<<62), int64(1<<62)
		if !r.Min.IsZero() {
			lo = ts(r.Min)
		}
		if !r.Max.IsZero() {
			hi = ts(r.Max)
		}
		query := `SELECT ticket_id FROM ` + table + ` WHERE ` + col + ` >= $1 AND ` + col + ` <= $2` + extra
		got, err := q.ids(ctx, "automation candidates", query, lo, hi)
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func (q *Queries) ids(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap(what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, q.wrap(what, err)
		}
		out = append(out, id)
	}
	return out, q.wrapIf(what, rows.Err())
}

// TicketClocks loads the clocks of these open tickets, with their SLA
// breaches as they stand at now; closed and deleted tickets have none.
func (q *Queries) TicketClocks(ctx context.Context, ids []int64, now time.Time) (map[int64]model.TicketClocks, error) {
	out := make(map[int64]model.TicketClocks, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, nil)
	rows, err := q.q.QueryContext(ctx, `SELECT ticket_id, created_at, updated_at, solved_at, pending_at, hold_at,
		assigned_at, requester_updated_at, assignee_updated_at FROM ticket_clocks WHERE ticket_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, q.wrap("ticket clocks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c model.TicketClocks
		var created, updated int64
		var opt [6]sql.NullInt64
		if err := rows.Scan(&c.TicketID, &created, &updated, &opt[0], &opt[1], &opt[2], &opt[3], &opt[4], &opt[5]); err != nil {
			return nil, q.wrap("scan ticket clocks", err)
		}
		c.Created, c.Updated = fromTS(created), fromTS(updated)
		for i, dst := range []*time.Time{&c.Solved, &c.Pending, &c.Hold, &c.Assigned, &c.RequesterUpdated, &c.AssigneeUpdated} {
			if opt[i].Valid {
				*dst = fromTS(opt[i].Int64)
			}
		}
		out[c.TicketID] = c
	}
	if err := q.wrapIf("ticket clocks", rows.Err()); err != nil {
		return nil, err
	}
	return out, q.addBreaches(ctx, out, in, args, now)
}

// addBreaches fills NextBreach and LastBreach from the tickets' open SLA targets.
func (q *Queries) addBreaches(ctx context.Context, out map[int64]model.TicketClocks, in string, args []any, now time.Time) error {
	n := len(args) + 1
	rows, err := q.q.QueryContext(ctx, fmt.Sprintf(`SELECT ticket_id,
		MIN(CASE WHEN breach_at > $%d AND paused_left IS NULL THEN breach_at END), MAX(CASE WHEN breach_at <= $%d THEN breach_at END)
		FROM ticket_sla WHERE fulfilled_at IS NULL AND ticket_id IN (%s) GROUP BY ticket_id`, n, n, in), append(args, ts(now))...)
	if err != nil {
		return q.wrap("ticket breaches", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var next, last sql.NullInt64
		if err := rows.Scan(&id, &next, &last); err != nil {
			return q.wrap("scan ticket breaches", err)
		}
		c, ok := out[id]
		if !ok {
			continue
		}
		if next.Valid {
			c.NextBreach = fromTS(next.Int64)
		}
		if last.Valid {
			c.LastBreach = fromTS(last.Int64)
		}
		out[id] = c
	}
	return q.wrapIf("ticket breaches", rows.Err())
}

// AutomationFires returns, for these tickets, the ticket's updated_at right
// after each automation last fired on it, keyed by [automation id, ticket id].
func (q *Queries) AutomationFires(ctx context.Context, ids []int64) (map[[2]int64]time.Time, error) {
	out := map[[2]int64]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, nil)
	rows, err := q.q.QueryContext(ctx, `SELECT automation_id, ticket_id, ticket_updated_at FROM automation_fires
		WHERE ticket_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, q.wrap("automation fires", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a, t, at int64
		if err := rows.Scan(&a, &t, &at); err != nil {
			return nil, q.wrap("scan automation fire", err)
		}
		out[[2]int64{a, t}] = fromTS(at)
	}
	return out, q.wrapIf("automation fires", rows.Err())
}

// RecordAutomationFire remembers that automation fired on ticket, which then
// stood at updatedAt.
func (q *Queries) RecordAutomationFire(ctx context.Context, automation, ticket int64, updatedAt time.Time) error {
	return q.exec(ctx, "record automation fire", false, `INSERT INTO automation_fires (automation_id, ticket_id, ticket_updated_at)
		VALUES ($1, $2, $3) ON CONFLICT (automation_id, ticket_id) DO UPDATE SET ticket_updated_at = excluded.ticket_updated_at`,
		automation, ticket, ts(updatedAt))
}

// ClaimAutomationRun records that node runs the given period; false when a
// node already claimed it.
func (q *Queries) ClaimAutomationRun(ctx context.Context, period int64, node string, at time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `INSERT INTO automation_runs (period, node, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (period) DO NOTHING`, period, node, ts(at))
	if err != nil {
		return false, q.wrap("claim automation run", err)
	}
	n, err := res.RowsAffected()
	return n == 1, q.wrapIf("claim automation run", err)
}

// FinishAutomationRun records a run's outcome.
func (q *Queries) FinishAutomationRun(ctx context.Context, period int64, at time.Time, candidates, fired int) error {
	return q.exec(ctx, "finish automation run", true, `UPDATE automation_runs SET finished_at = $1, candidates = $2, fired = $3
		WHERE period = $4`, ts(at), candidates, fired, period)
}

// ReleaseAutomationRun forgets a failed run's claim, so its retry may run it.
func (q *Queries) ReleaseAutomationRun(ctx context.Context, period int64) error {
	return q.exec(ctx, "release automation run", false, `DELETE FROM automation_runs WHERE period = $1 AND finished_at IS NULL`, period)
}

// AutomationRun is one recorded run.
type AutomationRun struct {
	Period     int64
	Node       string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running, or when it died
	Candidates int
	Fired      int
}

// AutomationRuns lists the latest runs, newest first.
func (q *Queries) AutomationRuns(ctx context.Context, limit int) ([]AutomationRun, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT period, node, started_at, finished_at, candidates, fired
		FROM automation_runs ORDER BY period DESC LIMIT $1`, limit)
	if err != nil {
		return nil, q.wrap("automation runs", err)
	}
	defer rows.Close()
	var out []AutomationRun
	for rows.Next() {
		var r AutomationRun
		var started int64
		var finished sql.NullInt64
		if err := rows.Scan(&r.Period, &r.Node, &started, &finished, &r.Candidates, &r.Fired); err != nil {
			return nil, q.wrap("scan automation run", err)
		}
		r.StartedAt = fromTS(started)
		if finished.Valid {
			r.FinishedAt = fromTS(finished.Int64)
		}
		out = append(out, r)
	}
	return out, q.wrapIf("automation runs", rows.Err())
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// ListSchedules returns the business-hours schedules by id; the first is the
// account's default.
func (q *Queries) ListSchedules(ctx context.Context) ([]model.Schedule, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, name, time_zone, intervals, holidays, created_at, updated_at
		FROM business_schedules ORDER BY id`)
	if err != nil {
		return nil, q.wrap("list schedules", err)
	}
	defer rows.Close()
	var out []model.Schedule
	for rows.Next() {
		var s model.Schedule
		var iv, hol string
		var c, u int64
		if err := rows.Scan(&s.ID, &s.Name, &s.TimeZone, &iv, &hol, &c, &u); err != nil {
			return nil, q.wrap("scan schedule", err)
		}
		if err := json.Unmarshal([]byte(iv), &s.Intervals); err != nil {
			return nil, fmt.Errorf("store: decode schedule %d intervals: %w", s.ID, err)
		}
		if err := json.Unmarshal([]byte(hol), &s.Holidays); err != nil {
			return nil, fmt.Errorf("store: decode schedule %d holidays: %w", s.ID, err)
		}
		s.CreatedAt, s.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, s)
	}
	return out, q.wrapIf("list schedules", rows.Err())
}

// Schedule loads one schedule.
func (q *Queries) Schedule(ctx context.Context, id int64) (model.Schedule, error) {
	all, err := q.ListSchedules(ctx)
	if err != nil {
		return model.Schedule{}, err
	}
	for _, s := range all {
		if s.ID == id {
			return s, nil
		}
	}
	return model.Schedule{}, fmt.Errorf("store: schedule %d: %w", id, model.ErrNotFound)
}

// SaveSchedule inserts (ID 0) or updates a schedule.
func (q *Queries) SaveSchedule(ctx context.Context, s *model.Schedule) (int64, error) {
	iv, _ := json.Marshal(nonNil(s.Intervals)) // plain structs always marshal
	hol, _ := json.Marshal(nonNil(s.Holidays))
	if err := q.bumpSLAVersion(ctx); err != nil {
		return 0, err
	}
	if s.ID == 0 {
		return q.insertID(ctx, "create schedule", `INSERT INTO business_schedules (name, time_zone, intervals, holidays,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.Name, s.TimeZone, string(iv), string(hol), ts(s.CreatedAt), ts(s.UpdatedAt))
	}
	return s.ID, q.exec(ctx, "update schedule", true, `UPDATE business_schedules SET name = $1, time_zone = $2,
		intervals = $3, holidays = $4, updated_at = $5 WHERE id = $6`,
		s.Name, s.TimeZone, string(iv), string(hol), ts(s.UpdatedAt), s.ID)
}

// DeleteSchedule removes a schedule.
func (q *Queries) DeleteSchedule(ctx context.Context, id int64) error {
	if err := q.bumpSLAVersion(ctx); err != nil {
		return err
	}
	return q.exec(ctx, "delete schedule", true, `DELETE FROM business_schedules WHERE id = $1`, id)
}

// ListSLAPolicies returns the SLA policies by position then id.
func (q *Queries) ListSLAPolicies(ctx context.Context) ([]model.SLAPolicy, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, title, description, position, filter, policy_metrics, created_at, updated_at
		FROM sla_policies ORDER BY position, id`)
	if err != nil {
		return nil, q.wrap("list sla policies", err)
	}
	defer rows.Close()
	var out []model.SLAPolicy
	for rows.Next() {
		var p model.SLAPolicy
		var filter, metrics string
		var c, u int64
		if err := rows.Scan(&p.ID, &p.Title, &p.Description, &p.Position, &filter, &metrics, &c, &u); err != nil {
			return nil, q.wrap("scan sla policy", err)
		}
		if err := json.Unmarshal([]byte(filter), &p.Filter); err != nil {
			return nil, fmt.Errorf("store: decode sla policy %d filter: %w", p.ID, err)
		}
		if err := json.Unmarshal([]byte(metrics), &p.Metrics); err != nil {
			return nil, fmt.Errorf("store: decode sla policy %d metrics: %w", p.ID, err)
		}
		p.CreatedAt, p.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, p)
	}
	return out, q.wrapIf("list sla policies", rows.Err())
}

// SLAPolicy loads one policy.
func (q *Queries) SLAPolicy(ctx context.Context, id int64) (model.SLAPolicy, error) {
	all, err := q.ListSLAPolicies(ctx)
	if err != nil {
		return model.SLAPolicy{}, err
	}
	for _, p := range all {
		if p.ID == id {
			return p, nil
		}
	}
	return model.SLAPolicy{}, fmt.Errorf("store: sla policy %d: %w", id, model.ErrNotFound)
}

// SaveSLAPolicy inserts (ID 0) or updates a policy.
func (q *Queries) SaveSLAPolicy(ctx context.Context, p *model.SLAPolicy) (int64, error) {
	filter, err := json.Marshal(p.Filter)
	if err != nil {
		return 0, fmt.Errorf("store: encode sla filter: %w", err)
	}
	metrics, _ := json.Marshal(nonNil(p.Metrics))
	if err := q.bumpSLAVersion(ctx); err != nil {
		return 0, err
	}
	if p.ID == 0 {
		return q.insertID(ctx, "create sla policy", `INSERT INTO sla_policies (title, description, position, filter,
			policy_metrics, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.Title, p.Description, p.Position, string(filter), string(metrics), ts(p.CreatedAt), ts(p.UpdatedAt))
	}
	return p.ID, q.exec(ctx, "update sla policy", true, `UPDATE sla_policies SET title = $1, description = $2,
		position = $3, filter = $4, policy_metrics = $5, updated_at = $6 WHERE id = $7`,
		p.Title, p.Description, p.Position, string(filter), string(metrics), ts(p.UpdatedAt), p.ID)
}

// DeleteSLAPolicy removes a policy; tickets keep their targets until they change.
func (q *Queries) DeleteSLAPolicy(ctx context.Context, id int64) error {
	if err := q.bumpSLAVersion(ctx); err != nil {
		return err
	}
	return q.exec(ctx, "delete sla policy", true, `DELETE FROM sla_policies WHERE id = $1`, id)
}

// SLAVersion is a counter moved by every policy or schedule change.
func (q *Queries) SLAVersion(ctx context.Context) (int64, error) {
	return q.count(ctx, "sla version", `SELECT version FROM rule_versions WHERE name = 'slas'`)
}

func (q *Queries) bumpSLAVersion(ctx context.Context) error {
	return q.exec(ctx, "bump sla version", true, `UPDATE rule_versions SET version = version + 1 WHERE name = 'slas'`)
}

// pausedBreach is what breach_at holds for a paused target that was not
// breached: the column is NOT NULL, and the far future sorts it after every
// running target and outside every automation's range.
const pausedBreach = int64(253402214400000000) // 9999-12-31T00:00:00Z

// TicketSLA lists a ticket's SLA targets by metric.
func (q *Queries) TicketSLA(ctx context.Context, ticketID int64) ([]model.SLATarget, error) {
	all, err := q.TicketSLAs(ctx, []int64{ticketID})
	return all[ticketID], err
}

// TicketSLAs lists the SLA targets of these tickets, each ticket's by metric.
func (q *Queries) TicketSLAs(ctx context.Context, ids []int64) (map[int64][]model.SLATarget, error) {
	out := map[int64][]model.SLATarget{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, nil)
	rows, err := q.q.QueryContext(ctx, `SELECT ticket_id, metric, policy_id, started_at, breach_at, fulfilled_at, paused_left
		FROM ticket_sla WHERE ticket_id IN (`+in+`) ORDER BY ticket_id, metric`, args...)
	if err != nil {
		return nil, q.wrap("ticket sla", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t model.SLATarget
		var started, breach int64
		var done, left sql.NullInt64
		if err := rows.Scan(&t.TicketID, &t.Metric, &t.PolicyID, &started, &breach, &done, &left); err != nil {
			return nil, q.wrap("scan ticket sla", err)
		}
		t.StartedAt = fromTS(started)
		setBreach(&t, breach, left)
		if done.Valid {
			t.FulfilledAt = fromTS(done.Int64)
		}
		out[t.TicketID] = append(out[t.TicketID], t)
	}
	return out, q.wrapIf("ticket sla", rows.Err())
}

// setBreach fills t's due time and pause from their columns.
func setBreach(t *model.SLATarget, breach int64, left sql.NullInt64) {
	if breach != pausedBreach {
		t.BreachAt = fromTS(breach)
	}
	if left.Valid {
		t.Paused, t.Left = true, time.Duration(left.Int64)*time.Microsecond
	}
}

// SetTicketSLA replaces a ticket's targets with targets.
func (q *Queries) SetTicketSLA(ctx context.Context, ticketID int64, targets []model.SLATarget) error {
	if err := q.exec(ctx, "clear ticket sla", false, `DELETE FROM ticket_sla WHERE ticket_id = $1`, ticketID); err != nil {
		return err
	}
	for _, t := range targets {
		var done, left any
		if !t.FulfilledAt.IsZero() {
			done = ts(t.FulfilledAt)
		}
		breach := pausedBreach
		if !t.BreachAt.IsZero() {
			breach = ts(t.BreachAt)
		}
		if t.Paused {
			left = t.Left.Microseconds()
		}
		if err := q.exec(ctx, "set ticket sla", false, `INSERT INTO ticket_sla (ticket_id, metric, policy_id, started_at,
			breach_at, fulfilled_at, paused_left) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			ticketID, t.Metric, t.PolicyID, ts(t.StartedAt), breach, done, left); err != nil {
			return err
		}
	}
	return nil
}

// NextBreaches returns, for each of these tickets that has an open target, the
// one due first; a paused target only when none runs.
func (q *Queries) NextBreaches(ctx context.Context, ids []int64) (map[int64]model.SLATarget, error) {
	out := map[int64]model.SLATarget{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, nil)
	rows, err := q.q.QueryContext(ctx, `SELECT ticket_id, metric, breach_at, paused_left FROM ticket_sla
		WHERE fulfilled_at IS NULL AND ticket_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, q.wrap("next breaches", err)
	}
	defer rows.Close()
	due := map[int64]int64{}
	for rows.Next() {
		t := model.SLATarget{}
		var at int64
		var left sql.NullInt64
		if err := rows.Scan(&t.TicketID, &t.Metric, &at, &left); err != nil {
			return nil, q.wrap("scan next breach", err)
		}
		setBreach(&t, at, left)
		if t.Paused {
			at = pausedBreach // a paused target comes after every running one
		}
		if cur, ok := due[t.TicketID]; !ok || at < cur {
			out[t.TicketID], due[t.TicketID] = t, at
		}
	}
	return out, q.wrapIf("next breaches", rows.Err())
}

package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TagReportGroup counts the live tickets carrying a tag that share a period,
// a value of two custom fields, a group and whether they are closed.
type TagReportGroup struct {
	// Period is i when the tickets were created in [bounds[i], bounds[i+1]).
	Period         int
	Value1, Value2 string // "" when the ticket has no value
	GroupID        int64
	Closed         bool
	Count          int
}

// TagReportGroups counts the live tickets carrying tag created in
// [bounds[0], bounds[len-1]) by period, by the values of custom fields field1
// and field2 (0: none), by group and by closed. The caller chooses the bounds
// (such as month starts in a viewer's time zone, which SQL can't compute the
// same way on both backends), and the database groups: the report reads a row
// per combination, not per ticket.
func (q *Queries) TagReportGroups(ctx context.Context, tag string, bounds []time.Time, field1, field2 int64) ([]TagReportGroup, error) {
	if len(bounds) < 2 {
		return nil, nil
	}
	args := []any{strings.ToLower(tag), ts(bounds[0]), ts(bounds[len(bounds)-1]), field1, field2}
	var period strings.Builder
	for i, b := range bounds[1 : len(bounds)-1] {
		args = append(args, ts(b))
		fmt.Fprintf(&period, " WHEN t.created_at < $%d THEN %d", len(args), i)
	}
	periodSQL := fmt.Sprint(len(bounds) - 2) // one period: no CASE
	if period.Len() > 0 {
		periodSQL = "CASE" + period.String() + " ELSE " + periodSQL + " END"
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+periodSQL+`, COALESCE(`+q.fieldValueSQL("$4")+`, ''),
		COALESCE(`+q.fieldValueSQL("$5")+`, ''), COALESCE(t.group_id, 0), CASE WHEN t.status = 'closed' THEN 1 ELSE 0 END, COUNT(*)
		FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
		WHERE tt.tag = $1 AND t.deleted_at IS NULL AND t.created_at >= $2 AND t.created_at < $3
		GROUP BY 1, 2, 3, 4, 5`, args...)
	if err != nil {
		return nil, q.wrap("tag report groups", err)
	}
	defer rows.Close()
	var out []TagReportGroup
	for rows.Next() {
		var g TagReportGroup
		var closed int
		if err := rows.Scan(&g.Period, &g.Value1, &g.Value2, &g.GroupID, &closed, &g.Count); err != nil {
			return nil, q.wrap("scan tag report group", err)
		}
		g.Closed = closed == 1
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("tag report groups", err)
	}
	return out, nil
}

// ClosedTagDurations lists how long each closed live ticket carrying tag,
// created in [from, to), was open (a closed ticket can't change, so its
// updated_at is when it closed), shortest first: one number per closed
// ticket, for a median.
func (q *Queries) ClosedTagDurations(ctx context.Context, tag string, from, to time.Time) ([]time.Duration, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT t.updated_at - t.created_at
		FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
		WHERE tt.tag = $1 AND t.deleted_at IS NULL AND t.created_at >= $2 AND t.created_at < $3 AND t.status = 'closed'
		ORDER BY 1`, strings.ToLower(tag), ts(from), ts(to))
	if err != nil {
		return nil, q.wrap("closed tag durations", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var us int64
		if err := rows.Scan(&us); err != nil {
			return nil, q.wrap("scan closed tag duration", err)
		}
		out = append(out, time.Duration(us)*time.Microsecond)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("closed tag durations", err)
	}
	return out, nil
}

// fieldValueSQL is the value of the custom field whose id is param in the
// ticket t's custom_fields (a JSON array of {id, value}), or NULL.
func (q *Queries) fieldValueSQL(param string) string {
	if q.d.Name == "postgres" {
		return `(SELECT e->>'value' FROM jsonb_array_elements((CASE WHEN t.custom_fields = '' THEN '[]' ELSE t.custom_fields END)::jsonb) e
			WHERE (e->>'id')::bigint = ` + param + `)`
	}
	return `(SELECT json_extract(e.value, '$.value') FROM json_each(CASE WHEN t.custom_fields = '' THEN '[]' ELSE t.custom_fields END) e
		WHERE json_extract(e.value, '$.id') = ` + param + `)`
}

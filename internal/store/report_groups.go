package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TagReportCount counts live tickets carrying a tag: by period, value of the
// first field and closed (Kind 0), by value of the second field (Kind 1) or by
// group (Kind 2).
type TagReportCount struct {
	Kind int
	// Period is i when the tickets were created in [bounds[i], bounds[i+1]).
	Period  int
	Value   string // the field's value, "" when the ticket has none
	GroupID int64
	Closed  bool
	Count   int
}

// TagReportCounts counts the live tickets carrying tag created in
// [bounds[0], bounds[len-1]) three ways (TagReportCount's kinds), field1 and
// field2 being custom field ids (0: none). The caller chooses the bounds (such
// as month starts in a viewer's time zone, which SQL can't compute the same
// way on both backends); the database groups, so the report reads a row per
// period and category, escalator or group, not one per ticket.
func (q *Queries) TagReportCounts(ctx context.Context, tag string, bounds []time.Time, field1, field2 int64) ([]TagReportCount, error) {
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
	from := ` FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
		WHERE tt.tag = $1 AND t.deleted_at IS NULL AND t.created_at >= $2 AND t.created_at < $3`
	closed := `CASE WHEN t.status = 'closed' THEN 1 ELSE 0 END`
	rows, err := q.q.QueryContext(ctx, `SELECT 0, `+periodSQL+`, COALESCE(`+q.fieldValueSQL("$4")+`, ''), 0, `+closed+`, COUNT(*)`+from+`
		GROUP BY 2, 3, 5
		UNION ALL SELECT 1, 0, COALESCE(`+q.fieldValueSQL("$5")+`, ''), 0, 0, COUNT(*)`+from+` AND $5 <> 0 GROUP BY 3
		UNION ALL SELECT 2, 0, '', COALESCE(t.group_id, 0), 0, COUNT(*)`+from+` GROUP BY 4`, args...)
	if err != nil {
		return nil, q.wrap("tag report counts", err)
	}
	defer rows.Close()
	var out []TagReportCount
	for rows.Next() {
		var c TagReportCount
		var closed int
		if err := rows.Scan(&c.Kind, &c.Period, &c.Value, &c.GroupID, &closed, &c.Count); err != nil {
			return nil, q.wrap("scan tag report count", err)
		}
		c.Closed = closed == 1
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, q.wrap("tag report counts", err)
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

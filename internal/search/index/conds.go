package index

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/search"
)

func noneAsEmpty(v string) string {
	if v == "none" {
		return ""
	}
	return v
}

// enumCond renders status or priority with any operator (status<solved).
func enumCond(w *sqlWhere, c search.Cond) (string, error) {
	if c.Value == "none" {
		return c.Field + " = ''", nil
	}
	vals := c.EnumValues()
	if len(vals) == 0 {
		return "1 = 0", nil
	}
	return w.enumIn(c.Field, vals), nil
}

// groupCond matches a group by name (case-insensitive) or id; none is no group.
func groupCond(w *sqlWhere, v string) string {
	if strings.EqualFold(v, "none") {
		return "group_id IS NULL"
	}
	return namedCond(w, "group_id", nameKey{"group", strings.ToLower(v)})
}

// orgIDCond matches an organization column by name (case-insensitive) or id;
// none is no organization.
func orgIDCond(w *sqlWhere, col, v string) string {
	if strings.EqualFold(v, "none") {
		return col + " IS NULL"
	}
	return namedCond(w, col, nameKey{"organization", strings.ToLower(v)})
}

// personCond matches a user column by "me", "none", id, email or name.
func personCond(w *sqlWhere, col, v string, actorID int64) string {
	switch v {
	case "me":
		return col + " = " + w.arg(actorID)
	case "none":
		return col + " IS NULL"
	}
	return namedCond(w, col, nameKey{"user", strings.ToLower(v)})
}

// customFieldCond matches a custom field value in the stored JSON list.
func customFieldCond(w *sqlWhere, id, v string) string {
	if strings.EqualFold(v, "none") {
		return "custom_fields NOT LIKE " + w.arg(`%{"id":`+id+`,"value":%`)
	}
	want := fieldJSON(mustInt(id), strings.ToLower(v))
	return "LOWER(custom_fields) LIKE " + w.arg("%"+escapeLike(want)+"%") + ` ESCAPE '\'`
}

func mustInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64) // the parser only passes digits
	return n
}

// idCond compares an id column.
func idCond(w *sqlWhere, col string, c search.Cond) (string, error) {
	n, err := strconv.ParseInt(c.Value, 10, 64)
	if err != nil {
		return "", fmt.Errorf("search: %w: id %q", ErrUnsupported, c.Value)
	}
	op := string(c.Op)
	if c.Op == search.OpEq {
		op = "="
	}
	return col + " " + op + " " + w.arg(n), nil
}

// dateCond renders a created or updated condition over col.
func dateCond(w *sqlWhere, col string, c search.Cond, now time.Time) (string, error) {
	lo, hi, err := dateRange(c, now)
	if err != nil {
		return "", err
	}
	var parts []string
	if lo != math.MinInt64 {
		parts = append(parts, col+" >= "+w.arg(lo))
	}
	if hi != math.MaxInt64 {
		parts = append(parts, col+" < "+w.arg(hi))
	}
	return strings.Join(parts, " AND "), nil
}

// dateRange returns the times, as stored (ts), that a created or updated
// condition accepts: lo <= t < hi, with math.MinInt64 or math.MaxInt64 for an
// open end. A bare date (2026-01-01) stands for the whole day: created:2026-01-01
// is that day, created>2026-01-01 starts the next.
func dateRange(c search.Cond, now time.Time) (lo, hi int64, err error) {
	t, err := c.Time(now)
	if err != nil {
		return 0, 0, fmt.Errorf("search: %w: %w", ErrUnsupported, err)
	}
	from, to := t, t // [from, to) of the value
	switch {
	case len(c.Value) == len(time.DateOnly) && strings.Count(c.Value, "-") == 2:
		to = t.AddDate(0, 0, 1)
	case strings.ContainsAny(c.Value, "T :"):
		to = t.Add(time.Second)
	case c.Op == search.OpEq: // relative: created:3days means "in the last three days", like >
		return ts(t), math.MaxInt64, nil
	}
	switch c.Op {
	case search.OpLT:
		return math.MinInt64, ts(from), nil
	case search.OpLE:
		return math.MinInt64, ts(to), nil
	case search.OpGT:
		return ts(to), math.MaxInt64, nil
	case search.OpGE:
		return ts(from), math.MaxInt64, nil
	}
	return ts(from), ts(to), nil
}

// negatedEnum renders a negated status or priority condition, on PostgreSQL,
// as the values it leaves (both columns are NOT NULL, and priority may be
// empty): PostgreSQL can read "status IN (...)" from an index such as
// (assignee_id, status, ...), not "NOT (status = 'closed')", and counting an
// agent's tickets that are not closed read 17,000 ticket rows (3.5 s on a
// loaded machine) to keep 1,400. ok is false where it doesn't apply.
func negatedEnum(w *sqlWhere, c search.Cond) (string, bool) {
	last := map[string]string{"status": "closed", "priority": "urgent"}[c.Field] // the greatest value
	if !c.Negate || last == "" || w.ft == nil || w.ft.Words == "" || c.Value == "none" {
		return "", false
	}
	drop := c.EnumValues()
	if len(drop) == 0 {
		return "", false
	}
	keep := []string{""}
	for _, v := range (search.Cond{Field: c.Field, Op: search.OpLE, Value: last}).EnumValues() {
		if !slices.Contains(drop, v) {
			keep = append(keep, v)
		}
	}
	return w.enumIn(c.Field, keep), true
}

package index

import (
	"fmt"
	"strings"
)

// pageSQL renders ORDER BY and LIMIT: by id after a cursor, or sorted with OFFSET.
func pageSQL(w *sqlWhere, p Params, sort string) string {
	if p.Cursor {
		return fmt.Sprintf(" AND id > %s ORDER BY id LIMIT %s", w.arg(p.AfterID), w.arg(p.Limit))
	}
	return fmt.Sprintf(" ORDER BY %s LIMIT %s OFFSET %s", sort, w.arg(p.Limit), w.arg(p.Offset))
}

// sortKeys returns the order field and direction, query keywords first.
func sortKeys(p Params) (string, string) {
	by, dir := p.SortBy, p.SortOrder
	if p.Query.OrderBy != "" {
		by = p.Query.OrderBy
	}
	if p.Query.SortOrder != "" {
		dir = p.Query.SortOrder
	}
	if dir != "asc" {
		dir = "desc"
	}
	return by, dir
}

// ticketSort is the ORDER BY of a ticket search. The default, without relevance
// ranking, is the most recently updated first.
func ticketSort(p Params) string {
	by, dir := sortKeys(p)
	col := "updated_at"
	switch by {
	case "created_at":
		col = "created_at"
	case "priority":
		col = rankCase("priority", []string{"low", "normal", "high", "urgent"})
	case "status":
		col = rankCase("status", []string{"new", "open", "pending", "hold", "solved", "closed"})
	case "ticket_type":
		col = "type"
	}
	return col + " " + dir + ", id " + dir
}

// timeSort is the ORDER BY of a user or organization search: by created_at or,
// by default, updated_at, the id breaking ties.
func timeSort(p Params) string {
	by, dir := sortKeys(p)
	col := "updated_at"
	if by == "created_at" {
		col = "created_at"
	}
	return col + " " + dir + ", id " + dir
}

// rankCase orders an enumerated column by rank; unknown or empty values rank 0.
func rankCase(col string, values []string) string {
	var b strings.Builder
	b.WriteString("CASE " + col)
	for i, v := range values {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", v, i+1)
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

package index

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/search"
)

// nameKey is a group or user named in a query: kind "group" or "user", and the
// value as written, lower-cased.
type nameKey struct{ kind, value string }

// resolveNames looks up the groups and users a query names (group:"IT Ops",
// assignee:ann@example.com) before its SQL is built, so that each becomes
// "group_id = 7" instead of "group_id IN (SELECT ... FROM groups ...)". With one
// id, SQLite walks the (group_id, updated_at) index in the order of the page and
// stops after it; with a subquery it reads every ticket of the group and sorts.
func (q *run) resolveNames(ctx context.Context, w *sqlWhere, query *search.Query) error {
	for _, c := range query.Conds {
		kind := ""
		switch c.Field {
		case "group":
			kind = "group"
		case "assignee", "requester", "submitter":
			kind = "user"
		case "organization":
			kind = "organization"
		}
		key := nameKey{kind, strings.ToLower(c.Value)}
		if kind == "" || key.value == "none" || (kind == "user" && c.Value == "me") {
			continue
		}
		if _, ok := w.names[key]; ok {
			continue
		}
		ids, err := q.namedIDs(ctx, key)
		if err != nil {
			return err
		}
		if w.names == nil {
			w.names = map[nameKey][]int64{}
		}
		w.names[key] = ids
	}
	return nil
}

// namedIDs returns the ids a value names: groups and organizations by name,
// users by email or name, and any of them by id when the value is a number.
func (q *run) namedIDs(ctx context.Context, key nameKey) ([]int64, error) {
	query := `SELECT id FROM groups WHERE LOWER(name) = $1`
	switch key.kind {
	case "user":
		query = `SELECT id FROM users WHERE email = $1 OR LOWER(name) = $1`
	case "organization":
		// The unique index on LOWER(name) answers it.
		query = `SELECT id FROM organizations WHERE LOWER(name) = $1`
	}
	ids, err := q.int64s(ctx, "search names", query, key.value)
	if err != nil {
		return nil, err
	}
	if id, err := strconv.ParseInt(key.value, 10, 64); err == nil && !slices.Contains(ids, id) {
		ids = append(ids, id) // an id no ticket refers to matches nothing
	}
	return ids, nil
}

// namedCond renders "col is one of the ids key names".
func namedCond(w *sqlWhere, col string, key nameKey) string {
	ids := w.names[key]
	switch len(ids) {
	case 0:
		return "1 = 0"
	case 1:
		return col + " = " + w.arg(ids[0])
	}
	return col + " IN (" + placeholders(w, ids) + ")"
}

// int64s runs a query of one integer column and returns its rows.
func (q *run) int64s(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := q.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(what, err)
		}
		out = append(out, id)
	}
	return out, wrapIf(what, rows.Err())
}

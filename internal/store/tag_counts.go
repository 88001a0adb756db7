package store

import (
	"context"
	"strconv"
	"strings"
)

// TagCount is a tag and how many live tickets carry it.
type TagCount struct {
	Name  string
	Count int64
}

// TagCursor is a position in the tag list, which is ordered by count
// (descending), then name: the page starts after it.
type TagCursor struct {
	Count int64
	Name  string
}

// TagCounts lists tags by how many live tickets carry them, most used first,
// from ticket_tags (live tickets only, migration 010). after, when set, starts
// after that tag (cursor pagination); offset skips rows (offset pagination).
func (q *Queries) TagCounts(ctx context.Context, after *TagCursor, limit, offset int) ([]TagCount, error) {
	having, args := "", []any{}
	if after != nil {
		having = ` HAVING COUNT(*) < $1 OR (COUNT(*) = $1 AND tag > $2)`
		args = append(args, after.Count, after.Name)
	}
	args = append(args, limit, offset)
	n := len(args)
	rows, err := q.q.QueryContext(ctx, `SELECT tag, COUNT(*) FROM ticket_tags GROUP BY tag`+having+
		` ORDER BY COUNT(*) DESC, tag LIMIT $`+strconv.Itoa(n-1)+` OFFSET $`+strconv.Itoa(n), args...)
	if err != nil {
		return nil, q.wrap("count tags", err)
	}
	defer rows.Close()
	var out []TagCount
	for rows.Next() {
		var t TagCount
		if err := rows.Scan(&t.Name, &t.Count); err != nil {
			return nil, q.wrap("scan tag count", err)
		}
		out = append(out, t)
	}
	return out, q.wrapIf("count tags", rows.Err())
}

// CountTags counts the distinct tags of live tickets.
func (q *Queries) CountTags(ctx context.Context) (int64, error) {
	return q.count(ctx, "count distinct tags", `SELECT COUNT(DISTINCT tag) FROM ticket_tags`)
}

// TagsWithPrefix lists up to limit tags of live tickets starting with prefix,
// in name order.
func (q *Queries) TagsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT tag FROM ticket_tags WHERE tag LIKE $1 ESCAPE '\'
		GROUP BY tag ORDER BY tag LIMIT $2`, escapeLike(strings.ToLower(prefix))+"%", limit)
	if err != nil {
		return nil, q.wrap("autocomplete tags", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, q.wrap("scan tag", err)
		}
		out = append(out, t)
	}
	return out, q.wrapIf("autocomplete tags", rows.Err())
}

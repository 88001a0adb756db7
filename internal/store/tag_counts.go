package store

import (
	"context"
	"strconv"
	"strings"
)

// TagCount is a tag and how many live tickets, users and organizations carry it.
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

// tagUses counts each tag's uses per table before adding them up, so the
// large ticket_tags is grouped in its primary key's order and only the
// distinct tags are grouped again (users' and organizations' tags: migration 025).
const tagUses = `(SELECT tag, COUNT(*) AS n FROM ticket_tags GROUP BY tag
	UNION ALL SELECT tag, COUNT(*) AS n FROM user_tags GROUP BY tag
	UNION ALL SELECT tag, COUNT(*) AS n FROM organization_tags GROUP BY tag) uses`

// TagCounts lists tags by how many live tickets, users and organizations
// carry them, most used first, from ticket_tags (live tickets only, migration
// 010), user_tags and organization_tags. after, when set, starts after that
// tag (cursor pagination); offset skips rows (offset pagination).
func (q *Queries) TagCounts(ctx context.Context, after *TagCursor, limit, offset int) ([]TagCount, error) {
	having, args := "", []any{}
	if after != nil {
		having = ` HAVING SUM(n) < $1 OR (SUM(n) = $1 AND tag > $2)`
		args = append(args, after.Count, after.Name)
	}
	args = append(args, limit, offset)
	n := len(args)
	rows, err := q.q.QueryContext(ctx, `SELECT tag, CAST(SUM(n) AS BIGINT) FROM `+tagUses+` GROUP BY tag`+having+
		` ORDER BY SUM(n) DESC, tag LIMIT $`+strconv.Itoa(n-1)+` OFFSET $`+strconv.Itoa(n), args...)
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

// CountTags counts the distinct tags of live tickets, users and organizations.
func (q *Queries) CountTags(ctx context.Context) (int64, error) {
	return q.count(ctx, "count distinct tags", `SELECT COUNT(DISTINCT tag) FROM `+tagUses)
}

// TagsWithPrefix lists up to limit tags of live tickets, users and
// organizations starting with prefix, in name order.
func (q *Queries) TagsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT tag FROM (SELECT tag FROM ticket_tags WHERE tag LIKE $1 ESCAPE '\'
		UNION SELECT tag FROM user_tags WHERE tag LIKE $1 ESCAPE '\'
		UNION SELECT tag FROM organization_tags WHERE tag LIKE $1 ESCAPE '\') t
		ORDER BY tag LIMIT $2`, escapeLike(strings.ToLower(prefix))+"%", limit)
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

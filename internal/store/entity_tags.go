package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// SetUserTags replaces user id's tags (already normalized) and sets its
// updated_at, so the incremental users export carries the change.
func (q *Queries) SetUserTags(ctx context.Context, id int64, tags []string, at time.Time) error {
	if err := q.exec(ctx, "set user tags", true, `UPDATE users SET tags = $1, updated_at = $2 WHERE id = $3`,
		strings.Join(tags, " "), ts(at), id); err != nil {
		return err
	}
	return q.replaceTagRows(ctx, "user_tags", "user_id", id, tags)
}

// SetOrganizationTags replaces organization id's tags (already normalized) and
// sets its updated_at.
func (q *Queries) SetOrganizationTags(ctx context.Context, id int64, tags []string, at time.Time) error {
	if err := q.exec(ctx, "set organization tags", true, `UPDATE organizations SET tags = $1, updated_at = $2 WHERE id = $3`,
		strings.Join(tags, " "), ts(at), id); err != nil {
		return err
	}
	return q.replaceTagRows(ctx, "organization_tags", "organization_id", id, tags)
}

// replaceTagRows rewrites one record's rows in a tag table (migration 025). A
// user or organization carries few tags, so rewriting them all is cheaper to
// read than a difference.
func (q *Queries) replaceTagRows(ctx context.Context, table, col string, id int64, tags []string) error {
	if err := q.exec(ctx, "untag "+table, false, `DELETE FROM `+table+` WHERE `+col+` = $1`, id); err != nil {
		return err
	}
	for chunk := range slices.Chunk(lowerTags(tags), maxRowsPerWrite) {
		args := make([]any, 0, 2*len(chunk))
		for _, tag := range chunk {
			args = append(args, tag, id)
		}
		query := valuesSQL(`INSERT INTO `+table+` (tag, `+col+`) VALUES `, "($%[1]d, $%[2]d)", 2, len(chunk))
		if err := q.exec(ctx, "tag "+table, false, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// splitTags reads a tags column; no tags is nil, as a user or organization
// read without the column has.
func splitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Fields(s)
}

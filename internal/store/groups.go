package store

import (
	"context"

	"github.com/twindesk/twindesk/internal/model"
)

const groupCols = `id, name, description, is_public, created_at, updated_at`

func (q *Queries) groups(ctx context.Context, query string, args ...any) ([]model.Group, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list groups", err)
	}
	defer rows.Close()
	var out []model.Group
	for rows.Next() {
		var g model.Group
		var c, u int64
		var public bool
		if err := rows.Scan(&g.ID, &g.Name, &g.Description, &public, &c, &u); err != nil {
			return nil, q.wrap("scan group", err)
		}
		g.Private, g.CreatedAt, g.UpdatedAt = !public, fromTS(c), fromTS(u)
		out = append(out, g)
	}
	return out, q.wrapIf("list groups", rows.Err())
}

func (q *Queries) oneGroup(ctx context.Context, query string, args ...any) (model.Group, error) {
	gs, err := q.groups(ctx, query, args...)
	if err != nil {
		return model.Group{}, err
	}
	if len(gs) == 0 {
		return model.Group{}, q.wrap("get group", errNoRows)
	}
	return gs[0], nil
}

// CreateGroup inserts g; a duplicate name is model.ErrConflict.
func (q *Queries) CreateGroup(ctx context.Context, g model.Group) (int64, error) {
	return q.insertID(ctx, "create group",
		`INSERT INTO groups (name, description, is_public, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		g.Name, g.Description, !g.Private, ts(g.CreatedAt), ts(g.UpdatedAt))
}

// UpdateGroup saves name, description and whether the group is private.
func (q *Queries) UpdateGroup(ctx context.Context, g model.Group) error {
	return q.exec(ctx, "update group", true, `UPDATE groups SET name = $1, description = $2, is_public = $3, updated_at = $4 WHERE id = $5`,
		g.Name, g.Description, !g.Private, ts(g.UpdatedAt), g.ID)
}

// DeleteGroup removes a group and its memberships.
func (q *Queries) DeleteGroup(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete group", true, `DELETE FROM groups WHERE id = $1`, id)
}

// Group loads one group.
func (q *Queries) Group(ctx context.Context, id int64) (model.Group, error) {
	return q.oneGroup(ctx, `SELECT `+groupCols+` FROM groups WHERE id = $1`, id)
}

// GroupByName loads the group with exactly this name.
func (q *Queries) GroupByName(ctx context.Context, name string) (model.Group, error) {
	return q.oneGroup(ctx, `SELECT `+groupCols+` FROM groups WHERE name = $1`, name)
}

// ListGroups lists groups by id.
func (q *Queries) ListGroups(ctx context.Context, p Page) ([]model.Group, error) {
	where, tail, args := p.clause("id", nil)
	return q.groups(ctx, `SELECT `+groupCols+` FROM groups WHERE 1 = 1`+where+tail, args...)
}

// GroupsByIDs loads the groups with these ids.
func (q *Queries) GroupsByIDs(ctx context.Context, ids []int64) ([]model.Group, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids, nil)
	return q.groups(ctx, `SELECT `+groupCols+` FROM groups WHERE id IN (`+in+`)`, args...)
}

// CountGroups counts all groups.
func (q *Queries) CountGroups(ctx context.Context) (int64, error) {
	return q.count(ctx, "count groups", `SELECT COUNT(*) FROM groups`)
}

const membershipCols = `id, user_id, group_id, is_default, created_at, updated_at`

// CreateMembership puts a user in a group; a duplicate is model.ErrConflict.
func (q *Queries) CreateMembership(ctx context.Context, m model.GroupMembership) (int64, error) {
	return q.insertID(ctx, "create membership",
		`INSERT INTO group_memberships (user_id, group_id, is_default, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		m.UserID, m.GroupID, m.Default, ts(m.CreatedAt), ts(m.UpdatedAt))
}

// DeleteMembership removes one membership.
func (q *Queries) DeleteMembership(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete membership", true, `DELETE FROM group_memberships WHERE id = $1`, id)
}

// IsMember reports whether user belongs to group.
func (q *Queries) IsMember(ctx context.Context, userID, groupID int64) (bool, error) {
	n, err := q.count(ctx, "is member", `SELECT COUNT(*) FROM group_memberships WHERE user_id = $1 AND group_id = $2`, userID, groupID)
	return n > 0, err
}

// Memberships lists memberships, filtered by user or group when non-zero.
func (q *Queries) Memberships(ctx context.Context, userID, groupID int64, p Page) ([]model.GroupMembership, error) {
	where, tail, args := p.clause("id", []any{userID, groupID})
	rows, err := q.q.QueryContext(ctx, `SELECT `+membershipCols+` FROM group_memberships
		WHERE ($1 = 0 OR user_id = $1) AND ($2 = 0 OR group_id = $2)`+where+tail, args...)
	if err != nil {
		return nil, q.wrap("list memberships", err)
	}
	defer rows.Close()
	var out []model.GroupMembership
	for rows.Next() {
		var m model.GroupMembership
		var c, u int64
		if err := rows.Scan(&m.ID, &m.UserID, &m.GroupID, &m.Default, &c, &u); err != nil {
			return nil, q.wrap("scan membership", err)
		}
		m.CreatedAt, m.UpdatedAt = fromTS(c), fromTS(u)
		out = append(out, m)
	}
	return out, q.wrapIf("list memberships", rows.Err())
}

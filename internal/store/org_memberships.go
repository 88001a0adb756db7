package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

const orgMemberCols = `id, user_id, organization_id, is_default, created_at, updated_at`

func (q *Queries) orgMemberships(ctx context.Context, query string, args ...any) ([]model.OrganizationMembership, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list organization memberships", err)
	}
	defer rows.Close()
	var out []model.OrganizationMembership
	for rows.Next() {
		var m model.OrganizationMembership
		var created, updated int64
		if err := rows.Scan(&m.ID, &m.UserID, &m.OrganizationID, &m.Default, &created, &updated); err != nil {
			return nil, q.wrap("scan organization membership", err)
		}
		m.CreatedAt, m.UpdatedAt = fromTS(created), fromTS(updated)
		out = append(out, m)
	}
	return out, q.wrapIf("list organization memberships", rows.Err())
}

// CreateOrgMembership inserts m; a user already in the organization is
// model.ErrConflict. A default membership makes the user's others not default.
func (q *Queries) CreateOrgMembership(ctx context.Context, m model.OrganizationMembership) (int64, error) {
	if m.Default {
		if err := q.exec(ctx, "clear default organization", false, `UPDATE organization_memberships
			SET is_default = FALSE WHERE user_id = $1`, m.UserID); err != nil {
			return 0, err
		}
	}
	return q.insertID(ctx, "create organization membership", `INSERT INTO organization_memberships (user_id,
		organization_id, is_default, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		m.UserID, m.OrganizationID, m.Default, ts(m.CreatedAt), ts(m.UpdatedAt))
}

// DeleteOrgMembership removes membership id.
func (q *Queries) DeleteOrgMembership(ctx context.Context, id int64) error {
	return q.exec(ctx, "delete organization membership", true, `DELETE FROM organization_memberships WHERE id = $1`, id)
}

// OrgMembership loads membership id.
func (q *Queries) OrgMembership(ctx context.Context, id int64) (model.OrganizationMembership, error) {
	ms, err := q.orgMemberships(ctx, `SELECT `+orgMemberCols+` FROM organization_memberships WHERE id = $1`, id)
	if err != nil {
		return model.OrganizationMembership{}, err
	}
	if len(ms) == 0 {
		return model.OrganizationMembership{}, q.wrap("get organization membership", sql.ErrNoRows)
	}
	return ms[0], nil
}

// OrgMemberFilter narrows a membership list: by user, by organization, or all.
type OrgMemberFilter struct {
	UserID         int64
	OrganizationID int64
}

// ListOrgMemberships lists memberships by id.
func (q *Queries) ListOrgMemberships(ctx context.Context, f OrgMemberFilter, p Page) ([]model.OrganizationMembership, error) {
	where, tail, args := p.clause("id", []any{f.UserID, f.OrganizationID})
	return q.orgMemberships(ctx, `SELECT `+orgMemberCols+` FROM organization_memberships
		WHERE ($1 = 0 OR user_id = $1) AND ($2 = 0 OR organization_id = $2)`+where+tail, args...)
}

// SetDefaultOrganization makes organization orgID the user's default, adding
// the membership when missing.
func (q *Queries) SetDefaultOrganization(ctx context.Context, userID, orgID int64, at time.Time) error {
	if err := q.exec(ctx, "clear default organization", false, `UPDATE organization_memberships
		SET is_default = FALSE, updated_at = $2 WHERE user_id = $1 AND is_default`, userID, ts(at)); err != nil {
		return err
	}
	return q.exec(ctx, "set default organization", false, `INSERT INTO organization_memberships (user_id,
		organization_id, is_default, created_at, updated_at) VALUES ($1, $2, TRUE, $3, $3)
		ON CONFLICT (user_id, organization_id) DO UPDATE SET is_default = TRUE, updated_at = $3`, userID, orgID, ts(at))
}

// LeaveDefaultOrganization removes the user's default organization membership.
func (q *Queries) LeaveDefaultOrganization(ctx context.Context, userID int64) error {
	return q.exec(ctx, "leave default organization", false,
		`DELETE FROM organization_memberships WHERE user_id = $1 AND is_default`, userID)
}

// OrganizationUsers lists the users of organization id by id.
func (q *Queries) OrganizationUsers(ctx context.Context, id int64, p Page) ([]model.User, error) {
	where, tail, args := p.clause("id", []any{id})
	return q.users(ctx, `SELECT `+userCols+` FROM users WHERE id IN (SELECT user_id FROM organization_memberships
		WHERE organization_id = $1)`+where+tail, args...)
}

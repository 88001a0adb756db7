package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// A deleted group reads as none: group_id is kept as written, checked here.
const orgCols = `id, name, external_id, details, notes, domain_names, created_at, updated_at, tags,
	COALESCE((SELECT g.id FROM groups g WHERE g.id = organizations.group_id), 0), shared_tickets, shared_comments`

func (q *Queries) orgs(ctx context.Context, query string, args ...any) ([]model.Organization, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, q.wrap("list organizations", err)
	}
	defer rows.Close()
	var out []model.Organization
	for rows.Next() {
		var o model.Organization
		var domains, tags string
		var created, updated int64
		if err := rows.Scan(&o.ID, &o.Name, &o.ExternalID, &o.Details, &o.Notes, &domains, &created, &updated, &tags,
			&o.GroupID, &o.SharedTickets, &o.SharedComments); err != nil {
			return nil, q.wrap("scan organization", err)
		}
		o.DomainNames, o.CreatedAt, o.UpdatedAt, o.Tags = strings.Fields(domains), fromTS(created), fromTS(updated), splitTags(tags)
		out = append(out, o)
	}
	return out, q.wrapIf("list organizations", rows.Err())
}

// CreateOrganization inserts o and returns its id; a taken name (any case) is
// model.ErrConflict.
func (q *Queries) CreateOrganization(ctx context.Context, o model.Organization) (int64, error) {
	return q.insertID(ctx, "create organization", `INSERT INTO organizations (name, external_id, details, notes,
		domain_names, created_at, updated_at, group_id, shared_tickets, shared_comments)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		o.Name, o.ExternalID, o.Details, o.Notes, strings.Join(o.DomainNames, " "), ts(o.CreatedAt), ts(o.UpdatedAt),
		o.GroupID, o.SharedTickets, o.SharedComments)
}

// UpdateOrganization saves every field of o.
func (q *Queries) UpdateOrganization(ctx context.Context, o model.Organization) error {
	return q.exec(ctx, "update organization", true, `UPDATE organizations SET name = $1, external_id = $2, details = $3,
		notes = $4, domain_names = $5, updated_at = $6, group_id = $7, shared_tickets = $8, shared_comments = $9
		WHERE id = $10`,
		o.Name, o.ExternalID, o.Details, o.Notes, strings.Join(o.DomainNames, " "), ts(o.UpdatedAt),
		o.GroupID, o.SharedTickets, o.SharedComments, o.ID)
}

// DeleteOrganization removes an organization and its memberships; its
// tickets keep no organization (changed at at, for the exports).
func (q *Queries) DeleteOrganization(ctx context.Context, id int64, at time.Time) error {
	if err := q.exec(ctx, "unset tickets' organization", false, `UPDATE tickets SET organization_id = NULL,
		generated_at = $2 WHERE organization_id = $1`, id, ts(at)); err != nil {
		return err
	}
	if err := q.exec(ctx, "delete organization memberships", false,
		`DELETE FROM organization_memberships WHERE organization_id = $1`, id); err != nil {
		return err
	}
	if err := q.exec(ctx, "untag organization", false, `DELETE FROM organization_tags WHERE organization_id = $1`, id); err != nil {
		return err
	}
	if err := q.exec(ctx, "delete organization field values", false, `DELETE FROM entity_field_values WHERE entity_id = $1
		AND field_id IN (SELECT id FROM entity_fields WHERE entity = 'organization')`, id); err != nil {
		return err
	}
	return q.exec(ctx, "delete organization", true, `DELETE FROM organizations WHERE id = $1`, id)
}

// Organization loads one organization, or model.ErrNotFound.
func (q *Queries) Organization(ctx context.Context, id int64) (model.Organization, error) {
	os, err := q.orgs(ctx, `SELECT `+orgCols+` FROM organizations WHERE id = $1`, id)
	if err != nil {
		return model.Organization{}, err
	}
	if len(os) == 0 {
		return model.Organization{}, q.wrap("get organization", sql.ErrNoRows)
	}
	return os[0], nil
}

// OrgFilter narrows an organization list: by exact external id, by name
// (case-insensitive, exact) or by name prefix.
type OrgFilter struct {
	ExternalID string
	Name       string
	NamePrefix string
	IDs        []int64
}

func (f OrgFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.ExternalID != "" {
		add("external_id = ?", f.ExternalID)
	}
	if f.Name != "" {
		add("LOWER(name) = ?", strings.ToLower(f.Name))
	}
	if f.NamePrefix != "" {
		add(`LOWER(name) LIKE ? ESCAPE '\'`, escapeLike(strings.ToLower(f.NamePrefix))+"%")
	}
	if len(f.IDs) > 0 {
		in, a := inList(f.IDs, args)
		args = a
		conds = append(conds, "id IN ("+in+")")
	}
	if len(conds) == 0 {
		return " WHERE TRUE", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListOrganizations lists organizations matching f by id.
func (q *Queries) ListOrganizations(ctx context.Context, f OrgFilter, p Page) ([]model.Organization, error) {
	where, args := f.where()
	w, tail, args := p.clause("id", args)
	return q.orgs(ctx, `SELECT `+orgCols+` FROM organizations`+where+w+tail, args...)
}

// CountOrganizations counts organizations matching f.
func (q *Queries) CountOrganizations(ctx context.Context, f OrgFilter) (int64, error) {
	where, args := f.where()
	return q.count(ctx, "count organizations", `SELECT COUNT(*) FROM organizations`+where, args...)
}

// OrganizationsChangedAfter returns up to limit organizations updated after
// key and before until, in (updated_at, id) order: the incremental export.
func (q *Queries) OrganizationsChangedAfter(ctx context.Context, key ExportKey, until time.Time, limit int) ([]model.Organization, error) {
	cond, args := afterKey("updated_at", "id", key, until)
	args = append(args, limit)
	return q.orgs(ctx, `SELECT `+orgCols+` FROM organizations WHERE`+cond+` ORDER BY updated_at, id LIMIT $4`, args...)
}

package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

type orgMembershipJSON struct {
	ID             int64  `json:"id"`
	URL            string `json:"url"`
	UserID         int64  `json:"user_id"`
	OrganizationID int64  `json:"organization_id"`
	Default        bool   `json:"default"`
	ViewTickets    bool   `json:"view_tickets"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

func (s *Server) orgMembershipOut(m *model.OrganizationMembership) orgMembershipJSON {
	return orgMembershipJSON{ID: m.ID, URL: fmt.Sprintf("%s/api/v2/organization_memberships/%d.json", s.cfg.BaseURL, m.ID),
		UserID: m.UserID, OrganizationID: m.OrganizationID, Default: m.Default, ViewTickets: true,
		CreatedAt: zt(m.CreatedAt), UpdatedAt: zt(m.UpdatedAt)}
}

func (s *Server) createOrgMembership(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Membership *struct {
			UserID         optID `json:"user_id"`
			OrganizationID optID `json:"organization_id"`
			Default        bool  `json:"default"`
		} `json:"organization_membership"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	m := body.Membership
	if m == nil || !m.UserID.Set || !m.OrganizationID.Set {
		return recordInvalid(model.Invalid("organization_membership", "BlankValue",
			`organization_membership: the body must be {"organization_membership": {"user_id": ..., "organization_id": ...}}`))
	}
	out, err := s.desk.AddOrgMembership(r.Context(), currentUser(r.Context()), model.OrganizationMembership{
		UserID: m.UserID.Val, OrganizationID: m.OrganizationID.Val, Default: m.Default})
	if err != nil {
		return err
	}
	res := s.orgMembershipOut(&out)
	w.Header().Set("Location", res.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"organization_membership": res})
	return nil
}

func (s *Server) showOrgMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.desk.OrgMembership(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization_membership": s.orgMembershipOut(&m)})
	return nil
}

func (s *Server) deleteOrgMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteOrgMembership(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listOrgMemberships lists all memberships, a user's (/users/{id}/...) or an
// organization's (/organizations/{id}/...).
func (s *Server) listOrgMemberships(w http.ResponseWriter, r *http.Request) error {
	var f store.OrgMemberFilter
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if strings.HasPrefix(r.URL.Path, "/api/v2/users/") {
			f.UserID = id
		} else {
			f.OrganizationID = id
		}
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, err := s.desk.OrgMemberships(r.Context(), currentUser(r.Context()), f, p.storePage())
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	out := make([]orgMembershipJSON, len(rows))
	for i := range rows {
		out[i] = s.orgMembershipOut(&rows[i])
	}
	mid := func(m model.OrganizationMembership) int64 { return m.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"organization_memberships": out}, more, firstID(rows, mid), lastID(rows, mid), -1))
	return nil
}

// orgBulkIn is one organization of a create_many or update_many body.
type orgBulkIn struct {
	ID optID `json:"id"`
	orgIn
}

func orgBulkCount(n int) error {
	switch {
	case n == 0:
		return badRequest(`the body must hold {"organizations": [{...}, ...]} with at least one organization`)
	case n > desk.MaxBulk:
		return badRequest(fmt.Sprintf("at most %d organizations per request, not %d", desk.MaxBulk, n))
	}
	return nil
}

func (s *Server) createManyOrgs(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Organizations []orgBulkIn `json:"organizations"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := orgBulkCount(len(body.Organizations)); err != nil {
		return err
	}
	items := make([]desk.OrgInput, len(body.Organizations))
	for i := range body.Organizations {
		var err error
		if items[i], err = body.Organizations[i].input(); err != nil {
			return err
		}
	}
	j, err := s.desk.CreateManyOrganizations(r.Context(), currentUser(r.Context()), items)
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

// updateManyOrgs is PUT /organizations/update_many: ?ids=1,2 with
// {"organization": {...}} applies one change to each, {"organizations": [{id,
// ...}]} one change per organization.
func (s *Server) updateManyOrgs(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Organization  *orgBulkIn  `json:"organization"`
		Organizations []orgBulkIn `json:"organizations"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	var ids []int64
	var items []desk.OrgInput
	if body.Organization != nil {
		var err error
		if ids, err = idsParam(r); err != nil {
			return err
		}
		in, err := body.Organization.input()
		if err != nil {
			return err
		}
		for range ids {
			items = append(items, in)
		}
	} else {
		if err := orgBulkCount(len(body.Organizations)); err != nil {
			return err
		}
		for i, o := range body.Organizations {
			if !o.ID.Set || o.ID.Val == 0 {
				return recordInvalid(model.Invalid(fmt.Sprintf("organizations[%d].id", i), "BlankValue", "each organization needs its id"))
			}
			in, err := o.input()
			if err != nil {
				return err
			}
			ids, items = append(ids, o.ID.Val), append(items, in)
		}
	}
	j, err := s.desk.UpdateManyOrganizations(r.Context(), currentUser(r.Context()), ids, items)
	if err != nil {
		return err
	}
	s.writeJob(w, &j)
	return nil
}

package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Organizations and their memberships (issue 21).

func (s *Server) orgRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/organizations", s.listOrgs)
	handle("POST", "/organizations", s.createOrg)
	handle("GET", "/organizations/count", s.countOrgs)
	handle("POST", "/organizations/create_many", s.createManyOrgs)
	handle("PUT", "/organizations/update_many", s.updateManyOrgs)
	handle("GET", "/organizations/show_many", s.showManyOrgs)
	handle("GET", "/organizations/search", s.searchOrgs)
	handle("GET", "/organizations/autocomplete", s.autocompleteOrgs)
	handle("GET", "/organizations/{id}", s.showOrg)
	handle("PUT", "/organizations/{id}", s.updateOrg)
	handle("DELETE", "/organizations/{id}", s.deleteOrg)
	handle("GET", "/organizations/{id}/users", s.orgUsers)
	handle("GET", "/organizations/{id}/tickets", s.orgTickets)
	handle("GET", "/organizations/{id}/organization_memberships", s.listOrgMemberships)
	handle("GET", "/users/{id}/organization_memberships", s.listOrgMemberships)
	handle("GET", "/organization_memberships", s.listOrgMemberships)
	handle("POST", "/organization_memberships", s.createOrgMembership)
	handle("GET", "/organization_memberships/{id}", s.showOrgMembership)
	handle("DELETE", "/organization_memberships/{id}", s.deleteOrgMembership)
	handle("GET", "/incremental/organizations", s.exportOrgs)
}

type orgJSON struct {
	ID                 int64          `json:"id"`
	URL                string         `json:"url"`
	Name               string         `json:"name"`
	ExternalID         any            `json:"external_id"`
	Details            string         `json:"details"`
	Notes              string         `json:"notes"`
	DomainNames        []string       `json:"domain_names"`
	GroupID            any            `json:"group_id"`
	SharedTickets      bool           `json:"shared_tickets"`
	SharedComments     bool           `json:"shared_comments"`
	Tags               []string       `json:"tags"`
	OrganizationFields map[string]any `json:"organization_fields"`
	CreatedAt          string         `json:"created_at"`
	UpdatedAt          string         `json:"updated_at"`
}

func (s *Server) orgOut(o *model.Organization) orgJSON {
	domains := o.DomainNames
	if domains == nil {
		domains = []string{}
	}
	return orgJSON{ID: o.ID, URL: fmt.Sprintf("%s/api/v2/organizations/%d.json", s.cfg.BaseURL, o.ID), Name: o.Name,
		ExternalID: nullable(o.ExternalID), Details: o.Details, Notes: o.Notes, DomainNames: domains, Tags: nonNil(o.Tags),
		GroupID: nullable(o.GroupID), SharedTickets: o.SharedTickets, SharedComments: o.SharedComments,
		OrganizationFields: fieldValuesOut(o.Fields), CreatedAt: zt(o.CreatedAt), UpdatedAt: zt(o.UpdatedAt)}
}

func (s *Server) orgsOut(rows []model.Organization) []orgJSON {
	out := make([]orgJSON, len(rows))
	for i := range rows {
		out[i] = s.orgOut(&rows[i])
	}
	return out
}

// orgIn is an organization in a write: a single save, or one of a bulk's.
type orgIn struct {
	Name        optString `json:"name"`
	ExternalID  optString `json:"external_id"`
	Details     optString `json:"details"`
	Notes       optString `json:"notes"`
	DomainNames *[]string `json:"domain_names"`
	// Tags replace the organization's; null (go-zendesk's nil slice) leaves
	// them. group_id 0 or null is no group.
	Tags               *[]string                  `json:"tags"`
	GroupID            optID                      `json:"group_id"`
	SharedTickets      *bool                      `json:"shared_tickets"`
	SharedComments     *bool                      `json:"shared_comments"`
	OrganizationFields map[string]json.RawMessage `json:"organization_fields"`
}

func (o *orgIn) input() (desk.OrgInput, error) {
	fields, err := fieldValuesIn(o.OrganizationFields, "organization_fields")
	return desk.OrgInput{Name: o.Name.ptr(), ExternalID: o.ExternalID.ptr(), Details: o.Details.ptr(), Notes: o.Notes.ptr(),
		DomainNames: o.DomainNames, Tags: o.Tags, GroupID: o.GroupID.ptr(), SharedTickets: o.SharedTickets,
		SharedComments: o.SharedComments, Fields: fields}, err
}

func decodeOrg(r *http.Request) (desk.OrgInput, error) {
	o, err := decodeEnvelope[orgIn](r, "organization")
	if err != nil {
		return desk.OrgInput{}, err
	}
	return o.input()
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeOrg(r)
	if err != nil {
		return err
	}
	o, err := s.desk.SaveOrganization(r.Context(), currentUser(r.Context()), 0, in)
	if err == nil {
		err = s.withOrgFields(r, &o)
	}
	if err != nil {
		return err
	}
	out := s.orgOut(&o)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"organization": out})
	return nil
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeOrg(r)
	if err != nil {
		return err
	}
	o, err := s.desk.SaveOrganization(r.Context(), currentUser(r.Context()), id, in)
	if err == nil {
		err = s.withOrgFields(r, &o)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization": s.orgOut(&o)})
	return nil
}

func (s *Server) deleteOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteOrganization(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) showOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.desk.Organization(r.Context(), currentUser(r.Context()), id)
	if err == nil {
		err = s.withOrgFields(r, &o)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization": s.orgOut(&o)})
	return nil
}

// orgList answers a paged list of organizations matching f.
func (s *Server) orgList(w http.ResponseWriter, r *http.Request, f store.OrgFilter) error {
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.Organizations(r.Context(), currentUser(r.Context()), f, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	if err := s.withOrgsFields(r, rows); err != nil {
		return err
	}
	oid := func(o model.Organization) int64 { return o.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"organizations": s.orgsOut(rows)}, more, firstID(rows, oid), lastID(rows, oid), count))
	return nil
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.orgList(w, r, store.OrgFilter{})
}

func (s *Server) searchOrgs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.OrgFilter{Name: strings.TrimSpace(q.Get("name")), ExternalID: q.Get("external_id")}
	if f.Name == "" && f.ExternalID == "" {
		return badRequest("name or external_id is required")
	}
	return s.orgList(w, r, f)
}

func (s *Server) autocompleteOrgs(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if utf8.RuneCountInString(name) < 2 {
		return badRequest("name must be at least 2 characters")
	}
	return s.orgList(w, r, store.OrgFilter{NamePrefix: name})
}

func (s *Server) showManyOrgs(w http.ResponseWriter, r *http.Request) error {
	ids, err := idsParam(r)
	if err != nil {
		return err
	}
	rows, _, err := s.desk.Organizations(r.Context(), currentUser(r.Context()), store.OrgFilter{IDs: ids}, store.Page{Limit: len(ids)}, false)
	if err == nil {
		err = s.withOrgsFields(r, rows)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": s.orgsOut(rows), "next_page": nil, "previous_page": nil, "count": len(rows)})
	return nil
}

func (s *Server) countOrgs(w http.ResponseWriter, r *http.Request) error {
	_, n, err := s.desk.Organizations(r.Context(), currentUser(r.Context()), store.OrgFilter{}, store.Page{Limit: 0}, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": zt(time.Now())}})
	return nil
}

func (s *Server) orgUsers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, err := s.desk.OrganizationUsers(r.Context(), currentUser(r.Context()), id, p.storePage())
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	if err := s.withUsersFields(r, rows); err != nil {
		return err
	}
	uid := func(u model.User) int64 { return u.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"users": s.usersOut(rows)}, more, firstID(rows, uid), lastID(rows, uid), -1))
	return nil
}

func (s *Server) orgTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.desk.Organization(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	f := store.TicketFilter{OrganizationID: id}
	rows, count, err := s.desk.Tickets(r.Context(), currentUser(r.Context()), f, p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"tickets": s.ticketsOut(rows)}, more, firstID(rows, tid), lastID(rows, tid), count))
	return nil
}

func (s *Server) exportOrgs(w http.ResponseWriter, r *http.Request) error {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, false, until)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	fetch := func(k store.ExportKey) ([]model.Organization, error) {
		return s.desk.ExportOrganizations(r.Context(), actor, k, until, desk.MaxExportPage)
	}
	rows, err := s.desk.ExportOrganizations(r.Context(), actor, q.key, until, desk.MaxExportPage+1)
	if err != nil {
		return err
	}
	key := func(o model.Organization) store.ExportKey { return store.ExportKeyAt(o.UpdatedAt).WithID(o.ID) }
	page, end, eos, err := timePage(rows, q, until, key, fetch)
	if err == nil {
		err = s.withOrgsFields(r, page)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, timeBody(r, "organizations", s.orgsOut(page), len(page), end, eos))
	return nil
}

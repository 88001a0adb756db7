package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// Tags of users and organizations (issue 21): GET lists, PUT adds, POST sets
// (201), DELETE removes, each with {"tags": [...]} as for tickets.

func (s *Server) entityTagRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/users/{id}/tags", s.showEntityTags(s.desk.UserTags))
	handle("GET", "/organizations/{id}/tags", s.showEntityTags(s.desk.OrganizationTags))
	for method, op := range map[string]desk.TagOp{"PUT": desk.TagsAdd, "POST": desk.TagsSet, "DELETE": desk.TagsRemove} {
		handle(method, "/users/{id}/tags", s.editEntityTags(op, s.desk.EditUserTags))
		handle(method, "/organizations/{id}/tags", s.editEntityTags(op, s.desk.EditOrganizationTags))
	}
	handle("PUT", "/users/{id}/organizations/{organization_id}/make_default", s.makeDefaultOrganization)
}

type tagsReader func(ctx context.Context, actor model.User, id int64) ([]string, error)

type tagsEditor func(ctx context.Context, actor model.User, id int64, op desk.TagOp, tags []string) ([]string, error)

func (s *Server) showEntityTags(read tagsReader) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		tags, err := read(r.Context(), currentUser(r.Context()), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"tags": nonNil(tags)})
		return nil
	}
}

func (s *Server) editEntityTags(op desk.TagOp, edit tagsEditor) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var body struct {
			Tags *[]string `json:"tags"`
		}
		if err := decode(r, &body); err != nil {
			return err
		}
		if body.Tags == nil {
			return recordInvalid(model.Invalid("tags", "BlankValue", `Tags: the body must be {"tags": ["a", "b"]}`))
		}
		tags, err := edit(r.Context(), currentUser(r.Context()), id, op, *body.Tags)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if op == desk.TagsSet {
			status = http.StatusCreated
		}
		writeJSON(w, status, map[string]any{"tags": nonNil(tags)})
		return nil
	}
}

// makeDefaultOrganization is PUT /users/{id}/organizations/{organization_id}/make_default:
// it answers the membership made default (go-zendesk reads
// "organization_membership") and the user's memberships.
func (s *Server) makeDefaultOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	orgID, err := strconv.ParseInt(r.PathValue("organization_id"), 10, 64)
	if err != nil || orgID <= 0 {
		return errNotFound
	}
	made, all, err := s.desk.MakeDefaultOrganization(r.Context(), currentUser(r.Context()), id, orgID)
	if err != nil {
		return err
	}
	list := make([]orgMembershipJSON, len(all))
	for i := range all {
		list[i] = s.orgMembershipOut(&all[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization_membership": s.orgMembershipOut(&made), "organization_memberships": list})
	return nil
}

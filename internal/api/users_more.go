package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// userRoutes registers the users endpoints of issue 21 beyond plain CRUD.
// Fixed paths come before /users/{id} patterns only for readability: ServeMux
// prefers the more specific pattern anyway.
func (s *Server) userRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/users/show_many", s.showManyUsers)
	handle("GET", "/users/count", s.countUsers)
	handle("GET", "/users/autocomplete", s.autocompleteUsers)
	handle("POST", "/users/create_many", s.createManyUsers(false))
	handle("POST", "/users/create_or_update_many", s.createManyUsers(true))
	handle("DELETE", "/users/{id}", s.deleteUser)
	handle("GET", "/users/{id}/related", s.userRelated)
	handle("GET", "/users/{id}/identities", s.userIdentities)
	handle("GET", "/users/{id}/tickets/{kind}", s.userTickets)
	handle("DELETE", "/deleted_users/{id}", s.purgeUser)
}

func (s *Server) showManyUsers(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	var ext []string
	if raw := r.URL.Query().Get("external_ids"); raw != "" {
		for _, e := range strings.Split(raw, ",") {
			if e = strings.TrimSpace(e); e != "" {
				ext = append(ext, e)
			}
		}
	} else {
		var err error
		if ids, err = idsParam(r); err != nil {
			return err
		}
	}
	rows, err := s.desk.ShowManyUsers(r.Context(), currentUser(r.Context()), ids, ext)
	if err == nil {
		err = s.withUsersFields(r, rows)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersOut(rows), "next_page": nil, "previous_page": nil, "count": len(rows)})
	return nil
}

func (s *Server) countUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	role := model.Role(r.URL.Query().Get("role"))
	if role != "" && !role.Valid() {
		return badRequest("role must be end-user, agent or admin")
	}
	n, err := s.desk.CountUsers(r.Context(), currentUser(r.Context()), role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": zt(time.Now())}})
	return nil
}

func (s *Server) autocompleteUsers(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.desk.AutocompleteUsers(r.Context(), currentUser(r.Context()), r.URL.Query().Get("name"))
	if err == nil {
		err = s.withUsersFields(r, rows)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": s.usersOut(rows), "next_page": nil, "previous_page": nil, "count": len(rows)})
	return nil
}

// createManyUsers is POST /users/create_many (or create_or_update_many):
// {"users": [...]}, at most 100, answered with a completed job status.
func (s *Server) createManyUsers(upsert bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var body struct {
			Users []userIn `json:"users"`
		}
		if err := decode(r, &body); err != nil {
			return err
		}
		if len(body.Users) == 0 || len(body.Users) > desk.MaxBulk {
			return badRequest(`give {"users": [...]} with 1 to 100 users`)
		}
		items := make([]desk.UserInput, len(body.Users))
		for i := range body.Users {
			var err error
			if items[i], err = body.Users[i].toInput(); err != nil {
				return err
			}
		}
		j, err := s.desk.CreateManyUsers(r.Context(), currentUser(r.Context()), items, upsert)
		if err != nil {
			return err
		}
		s.writeJob(w, &j)
		return nil
	}
}

// deleteUser is DELETE /users/{id}: a soft delete answered with the user, now
// active false, as Zendesk answers.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.DeleteUser(r.Context(), currentUser(r.Context()), id)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userOut(&u)})
	return nil
}

func (s *Server) userRelated(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rel, err := s.desk.RelatedToUser(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_related": map[string]any{
		"assigned_tickets": rel.AssignedTickets, "requested_tickets": rel.RequestedTickets,
		"ccd_tickets": rel.CCDTickets, "organization_subscriptions": 0}})
	return nil
}

// userIdentities lists the one identity twindesk keeps: the user's email, primary
// and verified. Its id is the user's id, since there is one per user.
func (s *Server) userIdentities(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.User(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	ident := map[string]any{
		"url": fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", s.cfg.BaseURL, u.ID, u.ID),
		"id":  u.ID, "user_id": u.ID, "type": "email", "value": u.Email, "verified": true, "primary": true,
		"undeliverable_count": 0, "deliverable_state": "deliverable",
		"created_at": zt(u.CreatedAt), "updated_at": zt(u.UpdatedAt),
	}
	writeJSON(w, http.StatusOK, map[string]any{"identities": []any{ident}, "next_page": nil, "previous_page": nil, "count": 1})
	return nil
}

func (s *Server) userTickets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.UserTickets(r.Context(), currentUser(r.Context()), id, r.PathValue("kind"), p.storePage())
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	if p.cursor {
		count = -1
	}
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"tickets": s.ticketsOut(rows)}, more, firstID(rows, tid), lastID(rows, tid), count))
	return nil
}

// purgeUser is DELETE /deleted_users/{id}: the permanent delete of a user deleted
// before, answered with what is left of them.
func (s *Server) purgeUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.PurgeUser(r.Context(), currentUser(r.Context()), id)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted_user": s.userOut(&u)})
	return nil
}

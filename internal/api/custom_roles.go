package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/model"
)

// twindesk has two fixed staff roles, not editable ones: /custom_roles lists
// them in Zendesk's shape (role_type 0, an agent role; 4, admin) so clients
// that read the account's roles, as go-zendesk's GetCustomRoles, see what
// each may do. Their ids are fixed.
var staffRoles = []struct {
	id          int64
	role        model.Role
	name, desc  string
	roleType    int
	manageRules bool
}{
	{1, model.RoleAgent, "Agent", "Works every ticket outside the private groups it is not in; reads users, organizations and settings; changes end users; no admin settings", 0, false},
	{2, model.RoleAdmin, "Administrator", "Everything an agent does, on every ticket, and the account's settings, rules, fields and people", 4, true},
}

// customRoleOut answers one role; members counts its users.
func (s *Server) customRoleOut(i int, members int64) map[string]any {
	r := staffRoles[i]
	return map[string]any{"id": r.id, "url": fmt.Sprintf("%s/api/v2/custom_roles/%d.json", s.cfg.BaseURL, r.id),
		"name": r.name, "description": r.desc, "role_type": r.roleType, "team_member_count": members,
		"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
		"configuration": map[string]any{"ticket_access": "all", "ticket_editing": true, "ticket_deletion": true,
			"ticket_merge": true, "ticket_tag_editing": true, "manage_business_rules": r.manageRules,
			"organization_editing": r.manageRules, "group_access": r.manageRules}}
}

// listCustomRoles is GET /custom_roles: agents and admins (end users 403).
func (s *Server) listCustomRoles(w http.ResponseWriter, r *http.Request) error {
	out := make([]map[string]any, len(staffRoles))
	for i := range staffRoles {
		n, err := s.desk.CountUsers(r.Context(), currentUser(r.Context()), staffRoles[i].role)
		if err != nil {
			return err
		}
		out[i] = s.customRoleOut(i, n)
	}
	writeJSON(w, http.StatusOK, map[string]any{"custom_roles": out, "count": len(out), "next_page": nil, "previous_page": nil})
	return nil
}

// showCustomRole is GET /custom_roles/{id}; another id is a 404.
func (s *Server) showCustomRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	for i := range staffRoles {
		if staffRoles[i].id == id {
			n, err := s.desk.CountUsers(r.Context(), currentUser(r.Context()), staffRoles[i].role)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, map[string]any{"custom_role": s.customRoleOut(i, n)})
			return nil
		}
	}
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	return errNotFound
}

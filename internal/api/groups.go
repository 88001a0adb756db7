package api

import (
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

type groupJSON struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"default"`
	Deleted     bool   `json:"deleted"`
	IsPublic    bool   `json:"is_public"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func (s *Server) groupOut(g *model.Group) groupJSON {
	return groupJSON{ID: g.ID, URL: fmt.Sprintf("%s/api/v2/groups/%d.json", s.cfg.BaseURL, g.ID), Name: g.Name,
		Description: g.Description, IsPublic: !g.Private, CreatedAt: zt(g.CreatedAt), UpdatedAt: zt(g.UpdatedAt)}
}

// groupIn is the body of a group create or update.
type groupIn struct {
	Name        optString `json:"name"`
	Description optString `json:"description"`
	IsPublic    *bool     `json:"is_public"`
}

func decodeGroup(r *http.Request) (desk.GroupInput, error) {
	g, err := decodeEnvelope[groupIn](r, "group")
	if err != nil {
		return desk.GroupInput{}, err
	}
	return desk.GroupInput{Name: g.Name.ptr(), Description: g.Description.ptr(), Public: g.IsPublic}, nil
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeGroup(r)
	if err != nil {
		return err
	}
	g, err := s.desk.SaveGroup(r.Context(), currentUser(r.Context()), 0, in)
	if err != nil {
		return err
	}
	out := s.groupOut(&g)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"group": out})
	return nil
}

func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeGroup(r)
	if err != nil {
		return err
	}
	g, err := s.desk.SaveGroup(r.Context(), currentUser(r.Context()), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group": s.groupOut(&g)})
	return nil
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteGroup(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) showGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	g, err := s.desk.Group(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group": s.groupOut(&g)})
	return nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, count, err := s.desk.Groups(r.Context(), currentUser(r.Context()), p.storePage(), !p.cursor)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	out := make([]groupJSON, len(rows))
	for i := range rows {
		out[i] = s.groupOut(&rows[i])
	}
	gid := func(g model.Group) int64 { return g.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"groups": out}, more, firstID(rows, gid), lastID(rows, gid), count))
	return nil
}

type membershipJSON struct {
	ID        int64  `json:"id"`
	URL       string `json:"url"`
	UserID    int64  `json:"user_id"`
	GroupID   int64  `json:"group_id"`
	Default   bool   `json:"default"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func (s *Server) membershipOut(m *model.GroupMembership) membershipJSON {
	return membershipJSON{ID: m.ID, URL: fmt.Sprintf("%s/api/v2/group_memberships/%d.json", s.cfg.BaseURL, m.ID),
		UserID: m.UserID, GroupID: m.GroupID, Default: m.Default, CreatedAt: zt(m.CreatedAt), UpdatedAt: zt(m.UpdatedAt)}
}

func (s *Server) createMembership(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeEnvelope[struct {
		UserID  optID `json:"user_id"`
		GroupID optID `json:"group_id"`
		Default bool  `json:"default"`
	}](r, "group_membership")
	if err != nil {
		return err
	}
	m, err := s.desk.AddMembership(r.Context(), currentUser(r.Context()),
		model.GroupMembership{UserID: in.UserID.Val, GroupID: in.GroupID.Val, Default: in.Default})
	if err != nil {
		return err
	}
	out := s.membershipOut(&m)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"group_membership": out})
	return nil
}

func (s *Server) deleteMembership(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteMembership(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listMemberships serves /group_memberships and /users/{id}/group_memberships.
func (s *Server) listMemberships(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	var userID int64
	if r.PathValue("id") != "" {
		var err error
		if userID, err = pathID(r); err != nil {
			return err
		}
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	rows, err := s.desk.Memberships(r.Context(), currentUser(r.Context()), userID, p.storePage())
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	out := make([]membershipJSON, len(rows))
	for i := range rows {
		out[i] = s.membershipOut(&rows[i])
	}
	mid := func(m model.GroupMembership) int64 { return m.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"group_memberships": out}, more, firstID(rows, mid), lastID(rows, mid), -1))
	return nil
}

package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// agentRow is one agent of the admin list.
type agentRow struct {
	User   model.User
	Groups []string
}

// agentsData is the agents page: the list and the invite form.
type agentsData struct {
	Agents []agentRow
	Groups []model.Group
	Form   agentForm
	Errors []string
}

// agentForm is the invite or edit form's values.
type agentForm struct {
	ID       int64
	Name     string
	Email    string
	Role     string
	GroupIDs map[int64]bool
}

func (s *Server) agentsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderAgents(w, r, rq, http.StatusOK, &agentsData{Form: agentForm{Role: "agent"}})
}

func (s *Server) renderAgents(w http.ResponseWriter, r *http.Request, rq *request, status int, d *agentsData) error {
	ctx := r.Context()
	staff, err := s.desk.Staff(ctx, rq.user)
	if err != nil {
		return err
	}
	if d.Groups, err = s.desk.AllGroups(ctx, rq.user); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range d.Groups {
		names[g.ID] = g.Name
	}
	for _, u := range staff {
		ids, err := s.desk.GroupIDsOf(ctx, rq.user, u.ID)
		if err != nil {
			return err
		}
		row := agentRow{User: u}
		for _, id := range ids {
			row.Groups = append(row.Groups, names[id])
		}
		d.Agents = append(d.Agents, row)
	}
	s.render(w, r, rq, status, "agents.html", "Agents", d)
	return nil
}

// agentInput reads the invite/edit form.
func agentInput(form url.Values) (desk.AgentInput, agentForm, error) {
	in := desk.AgentInput{Name: form.Get("name"), Email: strings.TrimSpace(form.Get("email")), Role: form.Get("role"), Password: form.Get("password")}
	af := agentForm{Name: in.Name, Email: in.Email, Role: in.Role, GroupIDs: map[int64]bool{}}
	for _, raw := range form["group_ids"] {
		id, err := parseOptionalID(raw)
		if err != nil || id == 0 {
			return in, af, &httpError{http.StatusBadRequest, "A group choice is not valid."}
		}
		in.GroupIDs = append(in.GroupIDs, id)
		af.GroupIDs[id] = true
	}
	return in, af, nil
}

func (s *Server) inviteAgent(w http.ResponseWriter, r *http.Request, rq *request) error {
	in, af, err := agentInput(r.PostForm)
	if err != nil {
		return err
	}
	_, err = s.desk.InviteAgent(r.Context(), rq.user, in)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderAgents(w, r, rq, http.StatusUnprocessableEntity, &agentsData{Form: af, Errors: validationMessages(ve)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agents?flash=invited", http.StatusSeeOther)
	return nil
}

// agentData is one agent's edit page.
type agentData struct {
	Form   agentForm
	Groups []model.Group
	Errors []string
}

func (s *Server) agentPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.User(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	if !u.Role.IsStaff() {
		return errNotFound
	}
	ids, err := s.desk.GroupIDsOf(r.Context(), rq.user, u.ID)
	if err != nil {
		return err
	}
	af := agentForm{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), GroupIDs: map[int64]bool{}}
	for _, g := range ids {
		af.GroupIDs[g] = true
	}
	return s.renderAgent(w, r, rq, http.StatusOK, &agentData{Form: af})
}

func (s *Server) renderAgent(w http.ResponseWriter, r *http.Request, rq *request, status int, d *agentData) error {
	var err error
	if d.Groups, err = s.desk.AllGroups(r.Context(), rq.user); err != nil {
		return err
	}
	s.render(w, r, rq, status, "agent.html", "Agent "+d.Form.Name, d)
	return nil
}

func (s *Server) updateAgent(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, af, err := agentInput(r.PostForm)
	if err != nil {
		return err
	}
	u, err := s.desk.SetAgentAccess(r.Context(), rq.user, id, in)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		af.ID, af.Name, af.Email = id, u.Name, u.Email
		return s.renderAgent(w, r, rq, http.StatusUnprocessableEntity, &agentData{Form: af, Errors: validationMessages(ve)})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agents?flash=saved", http.StatusSeeOther)
	return nil
}

// groupsData is the groups page.
type groupsData struct {
	Groups      []model.Group
	Name        string
	Description string
	Private     bool
	Errors      []string
}

func (s *Server) groupsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderGroups(w, r, rq, http.StatusOK, &groupsData{})
}

func (s *Server) renderGroups(w http.ResponseWriter, r *http.Request, rq *request, status int, d *groupsData) error {
	var err error
	if d.Groups, err = s.desk.AllGroups(r.Context(), rq.user); err != nil {
		return err
	}
	s.render(w, r, rq, status, "groups.html", "Groups", d)
	return nil
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := &groupsData{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Private: r.PostFormValue("private") == "1"}
	public := !d.Private
	_, err := s.desk.SaveGroup(r.Context(), rq.user, 0, desk.GroupInput{Name: &d.Name, Description: &d.Description, Public: &public})
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		d.Errors = validationMessages(ve)
		return s.renderGroups(w, r, rq, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/groups?flash=saved", http.StatusSeeOther)
	return nil
}

// makeGroupPrivate keeps a group's tickets from the agents outside it from now
// on. There is no way back to public, as in Zendesk.
func (s *Server) makeGroupPrivate(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	public := false
	if _, err := s.desk.SaveGroup(r.Context(), rq.user, id, desk.GroupInput{Public: &public}); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/groups?flash=saved", http.StatusSeeOther)
	return nil
}

package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// The settings page (/settings/{id}): an agent sets their own time zone, an
// admin any agent's (desk.UpdateUser decides who may, as for the API's
// PUT /users/{id} with iana_time_zone).

// settingsData is the settings form.
type settingsData struct {
	Target    model.User
	Zone      string // what the form holds: the stored zone, or what was typed
	Effective string // the zone pages are shown in for Target now
	Error     string
	Zones     []string
}

// commonZones are the zones the form suggests; any IANA name is accepted.
var commonZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
	"Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Vienna", "Europe/Zurich", "Europe/Stockholm",
	"Europe/Warsaw", "Europe/Prague", "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow",
	"Africa/Johannesburg", "Africa/Lagos", "Africa/Cairo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
	"Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Anchorage",
	"America/Toronto", "America/Mexico_City", "America/Sao_Paulo", "America/Buenos_Aires", "Pacific/Honolulu"}

func (s *Server) mySettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	http.Redirect(w, r, "/settings/"+strconv.FormatInt(rq.user.ID, 10), http.StatusSeeOther)
	return nil
}

// settingsTarget loads the user whose settings are asked for: oneself, or any
// agent for an admin; others' settings are not found.
func (s *Server) settingsTarget(r *http.Request, rq *request) (model.User, error) {
	id, err := pathID(r)
	if err != nil {
		return model.User{}, err
	}
	if id != rq.user.ID && rq.user.Role != model.RoleAdmin {
		return model.User{}, errNotFound
	}
	u, err := s.desk.User(r.Context(), rq.user, id)
	if err == nil && !u.Role.IsStaff() {
		err = errNotFound
	}
	return u, err
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	u, err := s.settingsTarget(r, rq)
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, rq, http.StatusOK, &settingsData{Target: u, Zone: u.TimeZone})
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, rq *request, status int, d *settingsData) error {
	d.Effective, d.Zones = s.desk.UserZone(r.Context(), d.Target).String(), commonZones
	s.render(w, r, rq, status, "settings.html", "Settings", d)
	return nil
}

// saveSettings stores the time zone; a name desk refuses is shown on the
// form and nothing changes.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	u, err := s.settingsTarget(r, rq)
	if err != nil {
		return err
	}
	zone := strings.TrimSpace(r.PostFormValue("time_zone"))
	_, err = s.desk.UpdateUser(r.Context(), rq.user, u.ID, desk.UserInput{TimeZone: &zone})
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return s.renderSettings(w, r, rq, http.StatusUnprocessableEntity,
			&settingsData{Target: u, Zone: zone, Error: strings.Join(validationMessages(ve), " ")})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/"+strconv.FormatInt(u.ID, 10)+"?flash=saved", http.StatusSeeOther)
	return nil
}

// settingsRoutes mounts the settings page for every signed-in agent.
func (s *Server) settingsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /settings", s.authed(s.mySettings))
	mux.Handle("GET /settings/{id}", s.authed(s.settingsPage))
	mux.Handle("POST /settings/{id}", s.authed(s.saveSettings))
}

package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

type userJSON struct {
	ID             int64          `json:"id"`
	URL            string         `json:"url"`
	Name           string         `json:"name"`
	Email          string         `json:"email"`
	Role           string         `json:"role"`
	RoleType       any            `json:"role_type"`
	ExternalID     any            `json:"external_id"`
	Active         bool           `json:"active"`
	Verified       bool           `json:"verified"`
	Suspended      bool           `json:"suspended"`
	DefaultGroupID any            `json:"default_group_id"`
	LocaleID       int64          `json:"locale_id"`
	Locale         string         `json:"locale"`
	TimeZone       string         `json:"time_zone"`
	IanaTimeZone   string         `json:"iana_time_zone"`
	OrganizationID any            `json:"organization_id"`
	Tags           []string       `json:"tags"`
	Details        string         `json:"details"`
	Notes          string         `json:"notes"`
	Phone          any            `json:"phone"`
	Alias          string         `json:"alias"`
	Signature      any            `json:"signature"`
	UserFields     map[string]any `json:"user_fields"`
	CreatedAt      string         `json:"created_at"`
	UpdatedAt      string         `json:"updated_at"`
}

func (s *Server) userOut(u *model.User) userJSON {
	return userJSON{ID: u.ID, URL: fmt.Sprintf("%s/api/v2/users/%d.json", s.cfg.BaseURL, u.ID), Name: u.Name,
		Email: u.Email, Role: string(u.Role), ExternalID: nullable(u.ExternalID), Active: u.Active && !u.Deleted, Verified: true,
		Suspended: !u.Active && !u.Deleted, DefaultGroupID: nullable(u.DefaultGroupID), OrganizationID: nullable(u.OrganizationID), LocaleID: 1, Locale: "en-US", TimeZone: zoneName(u.TimeZone), IanaTimeZone: zoneName(u.TimeZone),
		Tags: nonNil(u.Tags), Details: u.Profile.Details, Notes: u.Profile.Notes, Phone: nullable(u.Profile.Phone),
		Alias: u.Profile.Alias, Signature: nullable(u.Profile.Signature), UserFields: fieldValuesOut(u.Profile.Fields),
		CreatedAt: zt(u.CreatedAt), UpdatedAt: zt(u.UpdatedAt)}
}

// zoneName is a user's zone as the API shows it: the IANA name in both
// time_zone and iana_time_zone (Zendesk's time_zone holds Rails names such as
// "Eastern Time (US & Canada)", which twindesk doesn't keep), UTC when unset.
func zoneName(z string) string {
	if z == "" {
		return "UTC"
	}
	return z
}

func (s *Server) usersOut(rows []model.User) []userJSON {
	out := make([]userJSON, len(rows))
	for i := range rows {
		out[i] = s.userOut(&rows[i])
	}
	return out
}

type userIn struct {
	Name       optString  `json:"name"`
	Email      optString  `json:"email"`
	Role       optString  `json:"role"`
	ExternalID optString  `json:"external_id"`
	Suspended  *bool      `json:"suspended"`
	LocaleID   flexString `json:"locale_id"`
	Verified   bool       `json:"verified"`
	SkipVerify bool       `json:"skip_verify_email"`
	// OrganizationID sets the default organization (issue 21).
	OrganizationID optID `json:"organization_id"`
	// TimeZone and IanaTimeZone take an IANA name (issue 19); iana_time_zone
	// wins when both are sent.
	TimeZone     optString `json:"time_zone"`
	IanaTimeZone optString `json:"iana_time_zone"`
	// The profile (issue 21); tags replace the user's tags, null leaves them.
	Details    optString                  `json:"details"`
	Notes      optString                  `json:"notes"`
	Phone      optString                  `json:"phone"`
	Alias      optString                  `json:"alias"`
	Signature  optString                  `json:"signature"`
	Tags       *[]string                  `json:"tags"`
	UserFields map[string]json.RawMessage `json:"user_fields"`
}

func decodeUser(r *http.Request) (desk.UserInput, error) {
	u, err := decodeEnvelope[userIn](r, "user")
	if err != nil {
		return desk.UserInput{}, err
	}
	return u.toInput()
}

func (u *userIn) toInput() (desk.UserInput, error) {
	in := desk.UserInput{Name: u.Name.ptr(), Email: u.Email.ptr(), Role: u.Role.ptr(), ExternalID: u.ExternalID.ptr(),
		OrganizationID: u.OrganizationID.ptr(), TimeZone: u.TimeZone.ptr(),
		Profile: desk.ProfileInput{Details: u.Details.ptr(), Notes: u.Notes.ptr(), Phone: u.Phone.ptr(),
			Alias: u.Alias.ptr(), Signature: u.Signature.ptr(), Tags: u.Tags}}
	var err error
	if in.Profile.Fields, err = fieldValuesIn(u.UserFields, "user_fields"); err != nil {
		return in, err
	}
	if z := u.IanaTimeZone.ptr(); z != nil {
		in.TimeZone = z
	}
	if u.Suspended != nil {
		active := !*u.Suspended
		in.Active = &active
	}
	return in, nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeUser(r)
	if err != nil {
		return err
	}
	u, err := s.desk.CreateUser(r.Context(), currentUser(r.Context()), in)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	out := s.userOut(&u)
	w.Header().Set("Location", out.URL)
	writeJSON(w, http.StatusCreated, map[string]any{"user": out})
	return nil
}

func (s *Server) createOrUpdateUser(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeUser(r)
	if err != nil {
		return err
	}
	u, created, err := s.desk.CreateOrUpdateUser(r.Context(), currentUser(r.Context()), in)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	out := s.userOut(&u)
	w.Header().Set("Location", out.URL)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"user": out})
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := decodeUser(r)
	if err != nil {
		return err
	}
	u, err := s.desk.UpdateUser(r.Context(), currentUser(r.Context()), id, in)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userOut(&u)})
	return nil
}

func (s *Server) showUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.desk.User(r.Context(), currentUser(r.Context()), id)
	if err == nil {
		err = s.withUserFields(r, &u)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userOut(&u)})
	return nil
}

func (s *Server) showMe(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r.Context())
	if err := s.withUserFields(r, &u); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": s.userOut(&u)})
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	role := model.Role(r.URL.Query().Get("role"))
	if role != "" && !role.Valid() {
		return badRequest("role must be end-user, agent or admin")
	}
	rows, count, err := s.desk.Users(r.Context(), currentUser(r.Context()), role, p.storePage(), !p.cursor)
	if err == nil {
		err = s.withUsersFields(r, rows)
	}
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	uid := func(u model.User) int64 { return u.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"users": s.usersOut(rows)}, more, firstID(rows, uid), lastID(rows, uid), count))
	return nil
}

// searchUsers matches ?query= against name and email, or ?external_id= exactly.
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireStaffAPI(r); err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var rows []model.User
	switch {
	case q.Get("external_id") != "":
		u, err := s.desk.UserByExternalID(r.Context(), currentUser(r.Context()), q.Get("external_id"))
		if err == nil {
			rows = []model.User{u}
		}
	case q.Get("query") != "":
		rows, err = s.desk.SearchUsers(r.Context(), currentUser(r.Context()), userQueryText(q.Get("query")), p.storePage())
		if err != nil {
			return err
		}
	default:
		return badRequest("query or external_id is required")
	}
	rows, more := trim(p, rows)
	if err := s.withUsersFields(r, rows); err != nil {
		return err
	}
	uid := func(u model.User) int64 { return u.ID }
	writeJSON(w, http.StatusOK, p.envelope(map[string]any{"users": s.usersOut(rows)}, more, firstID(rows, uid), lastID(rows, uid), int64(len(rows))))
	return nil
}

// userQueryText strips a leading "email:" or "name:" keyword, the forms of the
// search syntax clients use for user lookups.
func userQueryText(q string) string {
	for _, k := range []string{"email:", "name:", "type:user "} {
		if len(q) > len(k) && q[:len(k)] == k {
			q = q[len(k):]
		}
	}
	return q
}

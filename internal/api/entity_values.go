package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// Values of user and organization fields in Zendesk's shape (issue 21):
// "user_fields": {"employee_number": "1234", "vip": true, "seats": 12}.

// fieldValuesIn reads a user_fields (or organization_fields) object into
// key -> stored text: null clears ("" too), booleans and numbers become their
// text. An array or object is a 422 naming the key; null for the whole object
// (go-zendesk sends it when the map is nil) changes nothing.
func fieldValuesIn(raw map[string]json.RawMessage, name string) (map[string]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return nil, recordInvalid(model.Invalid(name, "InvalidValue", "%s: %s is not valid JSON", k, v))
		}
		switch x := x.(type) {
		case nil:
			out[k] = ""
		case string:
			out[k] = x
		case bool, float64:
			out[k] = strings.TrimSpace(string(v))
		default:
			return nil, recordInvalid(model.Invalid(name, "InvalidValue", "%s: give a string, number, boolean or null", k))
		}
	}
	return out, nil
}

// fieldValuesOut renders values with every defined key: null when unset, a
// checkbox as a boolean, an integer or decimal as a JSON number, other types
// as strings (a date as YYYY-MM-DD).
func fieldValuesOut(vals []model.EntityValue) map[string]any {
	out := make(map[string]any, len(vals))
	for _, v := range vals {
		switch {
		case v.Value == "":
			out[v.Key] = nil
		case v.Type == model.FieldCheckbox:
			out[v.Key] = v.Value == "true"
		case (v.Type == model.FieldInteger || v.Type == model.FieldDecimal) && json.Valid([]byte(v.Value)):
			out[v.Key] = json.Number(v.Value)
		default:
			out[v.Key] = v.Value
		}
	}
	return out
}

// withUserFields attaches the user_fields values (and hides the profile) as
// the caller may see them; every user JSON goes through it or withUsersFields.
func (s *Server) withUserFields(r *http.Request, u *model.User) error {
	rows := []model.User{*u}
	if err := s.withUsersFields(r, rows); err != nil {
		return err
	}
	*u = rows[0]
	return nil
}

func (s *Server) withUsersFields(r *http.Request, rows []model.User) error {
	return s.desk.AttachUserFields(r.Context(), currentUser(r.Context()), rows)
}

func (s *Server) withOrgFields(r *http.Request, o *model.Organization) error {
	rows := []model.Organization{*o}
	if err := s.withOrgsFields(r, rows); err != nil {
		return err
	}
	*o = rows[0]
	return nil
}

func (s *Server) withOrgsFields(r *http.Request, rows []model.Organization) error {
	return s.desk.AttachOrganizationFields(r.Context(), currentUser(r.Context()), rows)
}

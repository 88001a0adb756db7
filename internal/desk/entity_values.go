package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Values of user and organization fields (issue 21): user_fields on users,
// organization_fields on organizations, keyed by the field's key as in Zendesk.

// checkEntityValues validates in (field key -> value, "" clears) against
// entity's fields inside tx and returns the writes by field id. A key no field
// has is ignored, as Zendesk's permissive API ignores attributes it doesn't
// know; an inactive field still takes values (an import carries them).
func checkEntityValues(ctx context.Context, tx *store.Tx, entity string, in map[string]string, v *model.ValidationError) (map[int64]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	fields, err := tx.EntityFields(ctx, entity)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same input gives the same error list
	for _, key := range keys {
		i := slices.IndexFunc(fields, func(f model.EntityField) bool { return f.Key == key })
		if i < 0 {
			continue
		}
		f := &fields[i]
		val, msg := entityValue(f, in[key])
		if msg != "" {
			v.Errors = append(v.Errors, model.FieldError{Field: entity + "_fields", Code: "InvalidValue",
				Description: fmt.Sprintf("%s (%s): %s", f.Title, f.Key, msg)})
			continue
		}
		out[f.ID] = val
	}
	return out, nil
}

// entityValue returns the stored form of raw for field f, or why it doesn't
// fit. A date also comes as a full time (some clients send Zendesk's
// 2013-02-27T20:35:55Z); its day is kept.
func entityValue(f *model.EntityField, raw string) (string, string) {
	if f.Type == model.FieldDate && len(raw) > len(time.DateOnly) {
		if t, err := time.Parse(time.RFC3339, raw); err == nil {
			raw = t.Format(time.DateOnly)
		}
	}
	if f.Type == model.FieldText || f.Type == model.FieldTextarea {
		return raw, ""
	}
	raw = strings.TrimSpace(raw)
	tf := model.TicketField{Type: f.Type, RegexpForValidation: f.RegexpForValidation, Options: f.Options}
	if f.Type == "dropdown" {
		tf.Type = model.FieldTagger
	}
	if msg := checkFieldValue(&tf, raw); msg != "" || raw == "" {
		return raw, msg
	}
	return numberValue(f.Type, raw)
}

// numberValue keeps an integer or decimal in a form that is also a JSON
// number (the API answers numbers as numbers): "+7" and "007" become "7";
// NaN, infinities and hexadecimal floats, which strconv accepts, are refused.
func numberValue(typ, raw string) (string, string) {
	switch typ {
	case model.FieldInteger:
		n, _ := strconv.ParseInt(raw, 10, 64) // checked by checkFieldValue
		return strconv.FormatInt(n, 10), ""
	case model.FieldDecimal:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(raw, "xXpP_nN") {
			return raw, raw + " is not a decimal number"
		}
		if json.Valid([]byte(raw)) && raw[0] != '+' {
			return raw, ""
		}
		return strconv.FormatFloat(f, 'f', -1, 64), ""
	}
	return raw, ""
}

// AttachUserFields fills in the user_fields values of users as actor may see
// them. Staff see every defined field of every user (unset ones ""), with
// the profile (notes, details, phone, alias, signature); anyone else sees no
// profile at all, not even their own: Zendesk's notes and fields are for
// agents. One read for the fields and one for the values, whatever the page.
func (s *Service) AttachUserFields(ctx context.Context, actor model.User, users []model.User) error {
	if !actor.Role.IsStaff() {
		for i := range users {
			users[i].Profile = model.UserProfile{}
		}
		return nil
	}
	return attachValues(ctx, s, model.EntityUser, users, func(u *model.User) int64 { return u.ID },
		func(u *model.User, vals []model.EntityValue) { u.Profile.Fields = vals })
}

// AttachOrganizationFields fills in the organization_fields values of orgs.
// Organizations are for staff only; anyone else gets theirs blanked.
func (s *Service) AttachOrganizationFields(ctx context.Context, actor model.User, orgs []model.Organization) error {
	if !actor.Role.IsStaff() {
		for i := range orgs {
			orgs[i] = model.Organization{ID: orgs[i].ID, Name: orgs[i].Name}
		}
		return nil
	}
	return attachValues(ctx, s, model.EntityOrganization, orgs, func(o *model.Organization) int64 { return o.ID },
		func(o *model.Organization, vals []model.EntityValue) { o.Fields = vals })
}

// attachValues reads entity's values of rows (each known by id) and hands
// each row its own through set.
func attachValues[T any](ctx context.Context, s *Service, entity string, rows []T, id func(*T) int64, set func(*T, []model.EntityValue)) error {
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = id(&rows[i])
	}
	vals, err := s.entityValues(ctx, entity, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		set(&rows[i], vals[i])
	}
	return nil
}

// entityValues returns, for each of ids in order, every field of entity with
// that record's value.
func (s *Service) entityValues(ctx context.Context, entity string, ids []int64) ([][]model.EntityValue, error) {
	q := s.db.Read()
	fields, err := q.EntityFields(ctx, entity)
	if err != nil {
		return nil, err
	}
	var stored map[int64]map[int64]string
	if len(fields) > 0 {
		if stored, err = q.EntityValues(ctx, entity, ids); err != nil {
			return nil, err
		}
	}
	out := make([][]model.EntityValue, len(ids))
	for i, id := range ids {
		out[i] = make([]model.EntityValue, len(fields))
		for j, f := range fields {
			out[i][j] = model.EntityValue{FieldID: f.ID, Key: f.Key, Type: f.Type, Value: stored[id][f.ID]}
		}
	}
	return out, nil
}

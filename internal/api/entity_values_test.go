package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestUserFieldValues round-trips user_fields values through go-zendesk
// (create, read, update, clear), with the profile attributes and tags, and
// checks that every defined key is answered (null when unset), that deleting
// a field drops its values while deactivating one keeps them, and that an
// unknown key is ignored as Zendesk ignores it.
func TestUserFieldValues(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		makeFields(t, c, []zendesk.UserField{
			{Type: "text", Title: "Employee number", Key: "employee_number"},
			{Type: "checkbox", Title: "VIP", Key: "vip"},
			{Type: "integer", Title: "Floor", Key: "floor"},
			{Type: "decimal", Title: "Cost", Key: "cost"},
			{Type: "date", Title: "Hired", Key: "hired"},
			{Type: "dropdown", Title: "Site", Key: "site", CustomFieldOptions: []zendesk.CustomFieldOption{{Name: "Berlin", Value: "site_berlin"}}},
		}, nil)
		u, err := c.CreateUser(ctx, zendesk.User{Name: "Erin", Email: "erin@example.com", Notes: "prefers mail",
			Details: "Building 4", Phone: "+49 30 1234", Alias: "E.", Tags: []string{"Payroll", "vip"},
			UserFields: zendesk.UserFields{"employee_number": "1234", "vip": true, "floor": 3, "cost": "12.5",
				"hired": "2021-04-16", "site": "site_berlin", "no_such_field": "ignored"}})
		require.NoError(t, err)
		want := zendesk.UserFields{"employee_number": "1234", "vip": true, "floor": float64(3), "cost": 12.5,
			"hired": "2021-04-16", "site": "site_berlin"}
		got, err := c.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.UserFields)
		require.Equal(t, "prefers mail", got.Notes)
		require.Equal(t, "Building 4", got.Details)
		require.Equal(t, "+49 30 1234", got.Phone)
		require.Equal(t, "E.", got.Alias)
		require.Equal(t, []string{"payroll", "vip"}, got.Tags)

		// As a client does: change the fetched user and send it back.
		got.Notes, got.Tags = "prefers phone", []string{"moved"}
		got.UserFields["employee_number"], got.UserFields["vip"], got.UserFields["floor"] = "5678", nil, "4"
		got, err = c.UpdateUser(ctx, u.ID, got)
		require.NoError(t, err)
		want["employee_number"], want["vip"], want["floor"] = "5678", nil, float64(4)
		require.Equal(t, want, got.UserFields, "an update changes the keys it names and clears those set to null")
		require.Equal(t, []string{"moved"}, got.Tags, "tags on an update replace the user's tags")
		got, err = c.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.UserFields)
		require.Equal(t, "prefers phone", got.Notes)
		require.Equal(t, "Building 4", got.Details)
		res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/users/%d.json", u.ID), map[string]any{"user": map[string]any{"user_fields": map[string]any{"hired": "2022-01-02T10:00:00Z"}}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		want["hired"] = "2022-01-02"
		got, err = c.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.UserFields, "keys not sent are left alone; a full time is kept as its day")
		require.Equal(t, "Building 4", got.Details, "attributes not sent are left alone")

		tags := env.Do(t, "GET", fmt.Sprintf("/api/v2/users/%d/tags.json", u.ID), nil)
		require.Contains(t, string(tags.Body), `"moved"`, "tags are stored where /users/{id}/tags reads them")

		// Other answers carry the values too: lists, show_many, search.
		list, _, err := c.GetManyUsers(ctx, &zendesk.GetManyUsersOptions{IDs: fmt.Sprint(u.ID)})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, want, list[0].UserFields)
		admin, err := c.GetUser(ctx, env.AdminID)
		require.NoError(t, err)
		require.Contains(t, admin.UserFields, "employee_number", "every defined key is answered")
		require.Nil(t, admin.UserFields["employee_number"], "unset is null")

		// Deactivating a field keeps its values; deleting one drops them.
		fields, _, err := c.GetUserFields(ctx, nil)
		require.NoError(t, err)
		byKey := map[string]int64{}
		for _, f := range fields {
			byKey[f.Key] = f.ID
		}
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/user_fields/%d.json", byKey["cost"]), map[string]any{"user_field": map[string]any{"active": false}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		values := fieldValueRows(t, env)
		require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/user_fields/%d.json", byKey["employee_number"]), nil).Status)
		require.Equal(t, values-1, fieldValueRows(t, env), "deleting a field deletes its values")
		got, err = c.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.NotContains(t, got.UserFields, "employee_number")
		require.Equal(t, 12.5, got.UserFields["cost"])
		again, err := c.CreateUserField(ctx, zendesk.UserField{Type: "text", Title: "Employee number", Key: "employee_number"})
		require.NoError(t, err)
		got, err = c.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Nil(t, got.UserFields[again.Key], "a field made again under a deleted one's key starts empty")
	})
}

// TestOrganizationFieldValues round-trips organization_fields and the
// attributes organizations dropped (tags, group_id, shared_tickets,
// shared_comments) through go-zendesk.
func TestOrganizationFieldValues(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		makeFields(t, c, nil, []zendesk.OrganizationField{{Type: "text", Title: "Cost centre", Key: "cost_centre"},
			{Type: "integer", Title: "Seats", Key: "seats"}})
		g, err := c.CreateGroup(ctx, zendesk.Group{Name: "Level 2"})
		require.NoError(t, err)
		o, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme", GroupID: g.ID, SharedTickets: true,
			Tags: []string{"gold"}, OrganizationFields: map[string]any{"cost_centre": "CC-17", "seats": 40}})
		require.NoError(t, err)
		require.Equal(t, map[string]any{"cost_centre": "CC-17", "seats": float64(40)}, o.OrganizationFields)
		got, err := c.GetOrganization(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o.OrganizationFields, got.OrganizationFields)
		require.Equal(t, g.ID, got.GroupID)
		require.True(t, got.SharedTickets)
		require.False(t, got.SharedComments)
		require.Equal(t, []string{"gold"}, got.Tags)

		got.OrganizationFields = map[string]any{"cost_centre": nil, "seats": 41}
		got.SharedComments = true
		got, err = c.UpdateOrganization(ctx, o.ID, got)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"cost_centre": nil, "seats": float64(41)}, got.OrganizationFields)
		require.True(t, got.SharedComments)
		require.Equal(t, []string{"gold"}, got.Tags)
		got, err = c.GetOrganization(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"cost_centre": nil, "seats": float64(41)}, got.OrganizationFields)

		res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/organizations/%d.json", o.ID), map[string]any{"organization": map[string]any{"group_id": 999999}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"group_id":[`)
		require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/groups/%d.json", g.ID), nil).Status)
		got, err = c.GetOrganization(ctx, o.ID)
		require.NoError(t, err)
		require.Zero(t, got.GroupID, "a deleted group reads as none")
	})
}

// TestFieldValueErrors sends a bad value of each type on a create and an
// update: each is a 422 RecordInvalid naming the field, and nothing changes.
func TestFieldValueErrors(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		makeFields(t, c, []zendesk.UserField{
			{Type: "checkbox", Title: "VIP", Key: "vip"},
			{Type: "integer", Title: "Floor", Key: "floor"},
			{Type: "decimal", Title: "Cost", Key: "cost"},
			{Type: "date", Title: "Hired", Key: "hired"},
			{Type: "regexp", Title: "Badge", Key: "badge", RegexpForValidation: `^B[0-9]{3}$`},
			{Type: "dropdown", Title: "Site", Key: "site", CustomFieldOptions: []zendesk.CustomFieldOption{{Name: "Berlin", Value: "site_berlin"}}},
		}, nil)
		makeFields(t, c, nil, []zendesk.OrganizationField{{Type: "integer", Title: "Seats", Key: "seats"}})
		id, _ := env.CreateEndUser(t, "Erin", "erin@example.com")
		org, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
		require.NoError(t, err)
		userPath, orgPath := fmt.Sprintf("/api/v2/users/%d.json", id), fmt.Sprintf("/api/v2/organizations/%d.json", org.ID)
		before, valuesBefore := env.Counts(t), fieldValueRows(t, env)
		userBefore, orgBefore := env.Do(t, "GET", userPath, nil).Body, env.Do(t, "GET", orgPath, nil).Body
		for _, tc := range []struct {
			key   string
			value any
		}{
			{"vip", "yes"}, {"floor", "3rd"}, {"floor", 2.5}, {"cost", "NaN"}, {"cost", "twelve"},
			{"hired", "16/04/2021"}, {"hired", "2021-02-30"}, {"badge", "X123"}, {"site", "site_paris"}, {"site", []string{"a"}},
		} {
			fields := map[string]any{tc.key: tc.value, "floor": 7}
			if tc.key == "floor" {
				fields = map[string]any{tc.key: tc.value}
			}
			for _, req := range []struct{ method, path string }{{"POST", "/api/v2/users.json"}, {"PUT", userPath}} {
				res := env.Do(t, req.method, req.path, map[string]any{"user": map[string]any{"name": "New", "email": "new@example.com",
					"notes": "must not be written", "user_fields": fields}})
				require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%s %v: %s", req.method, tc, res.Body)
				var body struct {
					Error   string                                    `json:"error"`
					Details map[string][]struct{ Description string } `json:"details"`
				}
				require.NoError(t, json.Unmarshal(res.Body, &body))
				require.Equal(t, "RecordInvalid", body.Error)
				require.NotEmpty(t, body.Details["user_fields"], "%s", res.Body)
				if _, isList := tc.value.([]string); !isList {
					require.Contains(t, body.Details["user_fields"][0].Description, "("+tc.key+")", "the error names the field")
				}
			}
		}
		res := env.Do(t, "PUT", orgPath, map[string]any{"organization": map[string]any{"notes": "x", "organization_fields": map[string]any{"seats": "many"}}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"organization_fields":[`)
		require.Contains(t, string(res.Body), "(seats)")
		require.Equal(t, before, env.Counts(t), "a refused write created something")
		require.Equal(t, valuesBefore, fieldValueRows(t, env), "a refused write stored a field value")
		require.JSONEq(t, string(userBefore), string(env.Do(t, "GET", userPath, nil).Body), "a refused update changed the user")
		require.JSONEq(t, string(orgBefore), string(env.Do(t, "GET", orgPath, nil).Body), "a refused update changed the organization")
	})
}

// makeFields creates user and organization fields with go-zendesk.
func makeFields(t *testing.T, c *zendesk.Client, users []zendesk.UserField, orgs []zendesk.OrganizationField) {
	t.Helper()
	for _, f := range users {
		_, err := c.CreateUserField(context.Background(), f)
		require.NoError(t, err)
	}
	for _, f := range orgs {
		_, err := c.CreateOrganizationField(context.Background(), f)
		require.NoError(t, err)
	}
}

// fieldValueRows counts the stored user and organization field values.
func fieldValueRows(t *testing.T, env *apitest.Env) int64 {
	t.Helper()
	var n int64
	require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM entity_field_values`).Scan(&n))
	return n
}

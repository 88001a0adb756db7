package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestEntityFields creates user and organization fields with go-zendesk, reads
// them back by list, iterator and id, edits and deletes them over the API, and
// checks that bad input is a 422 naming the field, that agents read but don't
// write, that end users get 403, and that refused writes change nothing.
func TestEntityFields(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		_, agentTok := env.CreateAgent(t, "Alex", "alex@example.com")
		_, endTok := env.CreateEndUser(t, "Erin", "erin@example.com")
		agent := env.Client("alex@example.com", agentTok)

		uf, err := c.CreateUserField(ctx, zendesk.UserField{Type: "text", Title: "Employee number", Key: "employee_no"})
		require.NoError(t, err)
		require.Equal(t, "employee_no", uf.Key)
		require.True(t, uf.Active)
		dd, err := c.CreateUserField(ctx, zendesk.UserField{Type: "dropdown", Title: "Site", Key: "site",
			CustomFieldOptions: []zendesk.CustomFieldOption{{Name: "Berlin", Value: "site_berlin"}, {Name: "Lyon"}}})
		require.NoError(t, err)
		require.Len(t, dd.CustomFieldOptions, 2)
		require.Equal(t, "lyon", dd.CustomFieldOptions[1].Value, "an option without a value gets one from its name")
		require.NotZero(t, dd.CustomFieldOptions[0].ID)
		of, err := c.CreateOrganizationField(ctx, zendesk.OrganizationField{Type: "integer", Title: "Seats", Key: "seats"})
		require.NoError(t, err)
		require.Equal(t, "seats", of.Key)

		fields, _, err := agent.GetUserFields(ctx, nil)
		require.NoError(t, err)
		require.Len(t, fields, 2, "agents read user fields")
		orgFields, _, err := agent.GetOrganizationFields(ctx)
		require.NoError(t, err)
		require.Len(t, orgFields, 1, "organization fields are apart from user fields")
		it := c.GetUserFieldsIterator(ctx, &zendesk.PaginationOptions{PageSize: 1, IsCBP: true})
		var keys []string
		for it.HasMore() {
			page, err := it.GetNext()
			require.NoError(t, err)
			for _, f := range page {
				keys = append(keys, f.Key)
			}
		}
		require.Equal(t, []string{"employee_no", "site"}, keys)

		path := fmt.Sprintf("/api/v2/user_fields/%d.json", uf.ID)
		res := env.Do(t, "PUT", path, map[string]any{"user_field": map[string]any{"title": "Staff number", "active": false}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), `"title":"Staff number"`)

		before := string(env.Do(t, "GET", "/api/v2/user_fields.json", nil).Body)
		for _, tc := range []struct {
			method, path string
			body         any
			as           []apitest.RequestOption
			status       int
			field        string
		}{
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": "No key"}}, nil, 422, "key"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": "Dup", "key": "site"}}, nil, 422, "key"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": "Digits", "key": "123"}}, nil, 422, "key"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "lookup", "title": "L", "key": "l"}}, nil, 422, "type"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "dropdown", "title": "D", "key": "d"}}, nil, 422, "custom_field_options"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "regexp", "title": "R", "key": "r", "regexp_for_validation": "("}}, nil, 422, "regexp_for_validation"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": " ", "key": "t"}}, nil, 422, "title"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"nope": 1}, nil, 422, "user_field"},
			{"PUT", path, map[string]any{"user_field": map[string]any{"key": "renamed"}}, nil, 422, "key"},
			{"PUT", path, map[string]any{"user_field": map[string]any{"type": "date"}}, nil, 422, "type"},
			{"POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": "A", "key": "a"}}, []apitest.RequestOption{apitest.As("alex@example.com", agentTok)}, 403, ""},
			{"GET", "/api/v2/user_fields.json", nil, []apitest.RequestOption{apitest.As("erin@example.com", endTok)}, 403, ""},
			{"GET", "/api/v2/organization_fields.json", nil, []apitest.RequestOption{apitest.As("erin@example.com", endTok)}, 403, ""},
			{"DELETE", path, nil, []apitest.RequestOption{apitest.As("alex@example.com", agentTok)}, 403, ""},
			{"GET", fmt.Sprintf("/api/v2/organization_fields/%d.json", uf.ID), nil, nil, 404, ""},
			{"PUT", "/api/v2/user_fields/999999.json", map[string]any{"user_field": map[string]any{"title": "x"}}, nil, 404, ""},
		} {
			res := env.Do(t, tc.method, tc.path, tc.body, tc.as...)
			require.Equal(t, tc.status, res.Status, "%s %s %v: %s", tc.method, tc.path, tc.body, res.Body)
			if tc.field != "" {
				require.Contains(t, string(res.Body), `"error":"RecordInvalid"`)
				require.Contains(t, string(res.Body), `"`+tc.field+`":[`)
			}
		}
		require.Equal(t, before, string(env.Do(t, "GET", "/api/v2/user_fields.json", nil).Body), "a refused write changed the fields")

		res = env.Do(t, "DELETE", path, nil)
		require.Equal(t, http.StatusNoContent, res.Status, string(res.Body))
		require.Equal(t, http.StatusNotFound, env.Do(t, "GET", path, nil).Status)
		again, err := c.CreateUserField(ctx, zendesk.UserField{Type: "text", Title: "Employee number", Key: "employee_no"})
		require.NoError(t, err, "a deleted field's key is free again")
		require.Greater(t, again.ID, of.ID, "ids are never reused")
	})
}

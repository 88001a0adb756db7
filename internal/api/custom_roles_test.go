package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestCustomRoles: go-zendesk's GetCustomRoles lists the two staff roles with
// their member counts, for an agent too; an end user gets 403 and an unknown
// role 404.
func TestCustomRoles(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	ctx := context.Background()
	_, agentTok := env.CreateAgent(t, "Alex", "alex@example.com")
	env.CreateAgent(t, "Bea", "bea@example.com")
	_, endTok := env.CreateEndUser(t, "Erin", "erin@example.com")
	roles, err := env.Client("alex@example.com", agentTok).GetCustomRoles(ctx)
	require.NoError(t, err)
	require.Len(t, roles, 2)
	require.Equal(t, "Agent", roles[0].Name)
	require.Equal(t, int64(2), roles[0].TeamMemberCount)
	require.Equal(t, int64(0), roles[0].RoleType)
	require.Equal(t, false, roles[0].Configuration["manage_business_rules"])
	require.Equal(t, "Administrator", roles[1].Name)
	require.Equal(t, int64(1), roles[1].TeamMemberCount)
	require.Equal(t, true, roles[1].Configuration["manage_business_rules"])

	_, err = env.Client("erin@example.com", endTok).GetCustomRoles(ctx)
	requireStatus(t, err, http.StatusForbidden)
	res := env.Do(t, "GET", "/api/v2/custom_roles/2.json", nil, apitest.As("erin@example.com", endTok))
	require.Equal(t, http.StatusForbidden, res.Status)
	res = env.Do(t, "GET", "/api/v2/custom_roles/1.json", nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, string(res.Body), `"name":"Agent"`)
	res = env.Do(t, "GET", "/api/v2/custom_roles/3.json", nil)
	require.Equal(t, http.StatusNotFound, res.Status)
	require.JSONEq(t, `{"error":"RecordNotFound","description":"Not found"}`, string(res.Body))
}

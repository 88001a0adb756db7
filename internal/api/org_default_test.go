package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestSetDefaultOrganization drives PUT
// /users/{id}/organizations/{org}/make_default with go-zendesk's
// SetDefaultOrganization: the membership becomes the default and the user's
// organization_id follows; a non-member is a 404, an agent 403.
func TestSetDefaultOrganization(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		eveID, _ := env.CreateEndUser(t, "Eve", "eve@example.com")
		acme, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Acme"})
		require.NoError(t, err)
		beta, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Beta"})
		require.NoError(t, err)
		other, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Other"})
		require.NoError(t, err)
		for _, o := range []int64{acme.ID, beta.ID} {
			_, err = c.CreateOrganizationMembership(ctx, zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: o})
			require.NoError(t, err)
		}
		eve, err := c.GetUser(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, acme.ID, eve.OrganizationID, "the oldest membership at first")

		m, err := c.SetDefaultOrganization(ctx, zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: beta.ID})
		require.NoError(t, err)
		require.Equal(t, beta.ID, m.OrganizationID)
		require.True(t, m.Default)
		eve, err = c.GetUser(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, beta.ID, eve.OrganizationID)

		_, err = c.SetDefaultOrganization(ctx, zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: other.ID})
		requireStatus(t, err, http.StatusNotFound)
		_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
		_, err = env.Client("ada@example.com", agentToken).SetDefaultOrganization(ctx,
			zendesk.OrganizationMembershipOptions{UserID: eveID, OrganizationID: acme.ID})
		requireStatus(t, err, http.StatusForbidden)
		eve, err = c.GetUser(ctx, eveID)
		require.NoError(t, err)
		require.Equal(t, beta.ID, eve.OrganizationID, "refusals change nothing")
	})
}

package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type apiTokensBody struct {
	APITokens []struct {
		ID        int64  `json:"id"`
		Active    bool   `json:"active"`
		UserID    int64  `json:"user_id"`
		CreatedAt string `json:"created_at"`
	} `json:"api_tokens"`
	Count int `json:"count"`
}

// TestAPITokensListAndRevoke: an admin lists tokens (never their values) and
// revokes one, which stops working on the next request, cache or not.
func TestAPITokensListAndRevoke(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			agentID, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
			asAgent := apitest.As("ada@example.com", agentToken)
			require.Equal(t, http.StatusOK, env.Do(t, "GET", "/api/v2/users/me.json", nil, asAgent).Status) // cached from here on

			res := env.Do(t, "GET", "/api/v2/api_tokens.json", nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.NotContains(t, string(res.Body), agentToken)
			require.NotContains(t, string(res.Body), env.AdminToken)
			var list apiTokensBody
			res.Decode(t, &list)
			require.Equal(t, 2, list.Count)
			var agentTokenID int64
			for _, tk := range list.APITokens {
				require.True(t, tk.Active)
				require.NotEmpty(t, tk.CreatedAt)
				if tk.UserID == agentID {
					agentTokenID = tk.ID
				}
			}
			require.NotZero(t, agentTokenID, string(res.Body))

			one := env.Do(t, "GET", fmt.Sprintf("/api/v2/api_tokens/%d.json", agentTokenID), nil)
			require.Equal(t, http.StatusOK, one.Status, string(one.Body))
			require.True(t, strings.Contains(string(one.Body), `"api_token":`), string(one.Body))

			// Agents can't see or revoke tokens, not even their own.
			require.Equal(t, http.StatusForbidden, env.Do(t, "GET", "/api/v2/api_tokens.json", nil, asAgent).Status)
			require.Equal(t, http.StatusForbidden, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/api_tokens/%d.json", agentTokenID), nil, asAgent).Status)

			require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/api_tokens/%d.json", agentTokenID), nil).Status)
			require.Equal(t, http.StatusUnauthorized, env.Do(t, "GET", "/api/v2/users/me.json", nil, asAgent).Status, "a revoked token still works")
			require.Equal(t, http.StatusNotFound, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/api_tokens/%d.json", agentTokenID), nil).Status)
			require.Equal(t, http.StatusNotFound, env.Do(t, "GET", "/api/v2/api_tokens/424242.json", nil).Status)
			require.Equal(t, http.StatusOK, env.Do(t, "GET", "/api/v2/users/me.json", nil).Status, "the admin's token survives")
		})
	}
}

package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestEndUserCantTakeAnEmail is the attack: an end user renames their email to an
// address not registered yet, then reads the tickets later filed from it.
func TestEndUserCantTakeAnEmail(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	eveID, eveToken := env.CreateEndUser(t, "Eve", "eve@example.com")
	eve := apitest.As("eve@example.com", eveToken)
	path := fmt.Sprintf("/api/v2/users/%d.json", eveID)

	for _, change := range []map[string]any{{"email": "ceo@example.com"}, {"external_id": "emp-1"}, {"suspended": true}, {"role": "agent"}} {
		res := env.Do(t, "PUT", path, map[string]any{"user": change}, eve)
		require.Equal(t, http.StatusForbidden, res.Status, "%v: %s", change, res.Body)
	}
	res := env.Do(t, "POST", "/api/v2/users/create_or_update.json", map[string]any{"user": map[string]any{"email": "eve@example.com", "external_id": "emp-1"}}, eve)
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
	res = env.Do(t, "PUT", path, map[string]any{"user": map[string]any{"name": "Eve E."}}, eve)
	require.Equal(t, http.StatusOK, res.Status, "her own name she may change: %s", res.Body)

	// A ticket filed later from the address stays out of her reach.
	env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Board pay",
		"comment": map[string]any{"body": "secret"}, "requester": map[string]any{"email": "ceo@example.com"}}})
	res = env.Do(t, "GET", "/api/v2/tickets/1.json", nil, eve)
	require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, res.Status, string(res.Body))

	// Staff change emails, but not to one in use.
	env.CreateEndUser(t, "Other", "other@example.com")
	res = env.Do(t, "PUT", path, map[string]any{"user": map[string]any{"email": "other@example.com"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	require.Contains(t, string(res.Body), "DuplicateValue")
	res = env.Do(t, "PUT", path, map[string]any{"user": map[string]any{"email": "eve.new@example.com"}})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
}

package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestSLAPolicyReorder: PUT /api/v2/slas/policies/reorder sets the order
// policies are tried in (go-zendesk reads it back); a list that misses a
// policy or names an unknown one is a 422, and an agent's is a 403, both
// changing nothing. go-zendesk has no reorder call, so that one is plain HTTP.
func TestSLAPolicyReorder(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		var ids []int64
		for _, title := range []string{"First", "Second", "Third"} {
			p, err := c.CreateSLAPolicy(ctx, zendesk.SLAPolicy{Title: title})
			require.NoError(t, err)
			ids = append(ids, p.ID)
		}
		order := func() []string {
			list, _, err := c.GetSLAPolicies(ctx, &zendesk.SLAPolicyListOptions{})
			require.NoError(t, err)
			var out []string
			for _, p := range list {
				out = append(out, p.Title)
			}
			return out
		}
		res := env.Do(t, "PUT", "/api/v2/slas/policies/reorder.json", map[string]any{"sla_policy_ids": []int64{ids[2], ids[0], ids[1]}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		require.Equal(t, []string{"Third", "First", "Second"}, order())

		for _, bad := range [][]int64{{ids[0], ids[1]}, {ids[0], ids[1], ids[1]}, {ids[0], ids[1], 999999}} {
			res = env.Do(t, "PUT", "/api/v2/slas/policies/reorder.json", map[string]any{"sla_policy_ids": bad})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), "sla_policy_ids")
		}
		_, token := env.CreateAgent(t, "Ann Agent", "ann.agent@example.com")
		res = env.Do(t, "PUT", "/api/v2/slas/policies/reorder.json", map[string]any{"sla_policy_ids": []int64{ids[0], ids[1], ids[2]}},
			apitest.As("ann.agent@example.com", token))
		require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
		require.Equal(t, []string{"Third", "First", "Second"}, order())
	})
}

package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestImportIDs covers the id map of `twindesk import zendesk`: admins save
// and list entries; agents and end users are refused; a bad entry is a 422
// and saves nothing, not even the good entries beside it; tickets cannot be
// mapped by hand (only their import records them).
func TestImportIDs(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		list := "/api/v2/twindesk/import_ids.json?source=acme.zendesk.com&kind=group"
		entry := func(kind string, src, target int64) map[string]any {
			return map[string]any{"source": "acme.zendesk.com", "kind": kind, "source_id": src, "target_id": target, "source_updated": "2024-01-01T00:00:00Z"}
		}
		res := env.Do(t, "POST", "/api/v2/twindesk/import_ids.json", map[string]any{"import_ids": []any{entry("group", 5, 1), entry("ticket", 6, 1)}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), "import_ids[1]")
		var got struct {
			ImportIDs []struct {
				SourceID int64 `json:"source_id"`
				TargetID int64 `json:"target_id"`
			} `json:"import_ids"`
		}
		env.Do(t, "GET", list, nil).Decode(t, &got)
		require.Empty(t, got.ImportIDs, "a refused save saves nothing")

		res = env.Do(t, "POST", "/api/v2/twindesk/import_ids.json", map[string]any{"import_ids": []any{entry("group", 5, 1), entry("group", 9, 2)}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		env.Do(t, "GET", list+"&after=5", nil).Decode(t, &got)
		require.Len(t, got.ImportIDs, 1)
		require.EqualValues(t, 9, got.ImportIDs[0].SourceID)

		_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
		_, userToken := env.CreateEndUser(t, "Eve", "eve@example.com")
		for email, token := range map[string]string{"ada@example.com": agentToken, "eve@example.com": userToken} {
			require.Equal(t, http.StatusForbidden, env.Do(t, "GET", list, nil, apitest.As(email, token)).Status)
			require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/twindesk/import_ids.json",
				map[string]any{"import_ids": []any{entry("group", 7, 1)}}, apitest.As(email, token)).Status)
		}
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/twindesk/import_ids.json?kind=group", nil).Status)
	})
}

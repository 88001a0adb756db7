package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestLocales: go-zendesk's GetLocales lists the one locale a user's locale_id
// names, for an end user too; another locale is a Zendesk-shaped 404.
func TestLocales(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	ctx := context.Background()
	id, tok := env.CreateEndUser(t, "Erin", "erin@example.com")
	end := env.Client("erin@example.com", tok)
	locales, err := end.GetLocales(ctx)
	require.NoError(t, err)
	require.Len(t, locales, 1)
	u, err := end.GetUser(ctx, id)
	require.NoError(t, err)
	require.Equal(t, u.LocaleID, locales[0].ID, "a user's locale_id names a listed locale")
	require.Equal(t, "en-US", locales[0].Locale)
	for _, path := range []string{"/api/v2/locales/en-US.json", "/api/v2/locales/1.json", "/api/v2/locales/current.json"} {
		res := env.Do(t, "GET", path, nil, apitest.As("erin@example.com", tok))
		require.Equal(t, http.StatusOK, res.Status, path)
		require.Contains(t, string(res.Body), `"locale":"en-US"`)
	}
	res := env.Do(t, "GET", "/api/v2/locales/fr.json", nil)
	require.Equal(t, http.StatusNotFound, res.Status)
	require.JSONEq(t, `{"error":"RecordNotFound","description":"Not found"}`, string(res.Body))
}

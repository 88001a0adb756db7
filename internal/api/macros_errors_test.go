package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestMacroViewErrors: bad rules are 422 RecordInvalid naming the bad item, an
// unknown or invisible rule is 404, an end user gets 403 everywhere, and an agent
// gets 403 changing another agent's personal macro or a shared one. Nothing a
// refused request names is stored or changed.
func TestMacroViewErrors(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		_, adaToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		_, bobToken := env.CreateAgent(t, "Bob Agent", "bob@example.com")
		_, endToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
		ada, bob := apitest.As("ada@example.com", adaToken), apitest.As("bob@example.com", bobToken)
		eve := apitest.As("eve@example.com", endToken)
		type detailed struct {
			Error   string                                    `json:"error"`
			Details map[string][]struct{ Description string } `json:"details"`
		}
		invalid := func(res *apitest.Response, field string) {
			t.Helper()
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			var body detailed
			res.Decode(t, &body)
			require.Equal(t, "RecordInvalid", body.Error)
			require.Contains(t, body.Details, field, string(res.Body))
		}
		macro := func(title string, actions ...map[string]any) map[string]any {
			return map[string]any{"macro": map[string]any{"title": title, "actions": actions}}
		}
		act := func(field, value string) map[string]any { return map[string]any{"field": field, "value": value} }

		invalid(env.Do(t, "POST", "/api/v2/macros.json", macro("Bad", act("status", "sleeping"))), "actions[0]")
		invalid(env.Do(t, "POST", "/api/v2/macros.json", macro("Bad", act("notification_webhook", "x"))), "actions[0]")
		invalid(env.Do(t, "POST", "/api/v2/macros.json", macro("", act("status", "open"))), "title")
		invalid(env.Do(t, "POST", "/api/v2/macros.json", map[string]any{"macro": map[string]any{"title": "T",
			"actions": []any{act("status", "open")}, "restriction": map[string]any{"type": "Group", "id": 999}}}), "restriction")
		badView := func(field, op, value string) map[string]any {
			return map[string]any{"view": map[string]any{"title": "V", "all": []map[string]any{{"field": field, "operator": op, "value": value}}}}
		}
		invalid(env.Do(t, "POST", "/api/v2/views.json", badView("status", "changed", "open")), "conditions.all[0]")
		invalid(env.Do(t, "POST", "/api/v2/views.json", badView("comment_is_public", "is", "true")), "conditions.all[0]")
		invalid(env.Do(t, "POST", "/api/v2/views.json", badView("NEW", "greater_than", "soon")), "conditions.all[0]")
		invalid(env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "No conditions"}}), "conditions")
		require.Equal(t, int64(0), rows(t, env, "macros"))
		require.Equal(t, int64(5), rows(t, env, "ticket_views"), "only the default views")

		// Personal macros: Ada's is hers.
		res := env.Do(t, "POST", "/api/v2/macros.json", macro("Ada's", act("status", "open")), ada)
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var m struct {
			Macro struct{ ID int64 } `json:"macro"`
		}
		res.Decode(t, &m)
		path := fmt.Sprintf("/api/v2/macros/%d.json", m.Macro.ID)
		require.Equal(t, http.StatusNotFound, env.Do(t, "GET", path, nil, bob).Status, "another agent's personal macro is not shown")
		require.Equal(t, http.StatusForbidden, env.Do(t, "PUT", path, macro("Bob's now"), bob).Status)
		require.Equal(t, http.StatusForbidden, env.Do(t, "DELETE", path, nil, bob).Status)
		res = env.Do(t, "PUT", path, map[string]any{"macro": map[string]any{"restriction": nil}}, ada)
		require.Equal(t, http.StatusForbidden, res.Status, "an agent cannot share a macro with everyone")
		var shown struct {
			Macro struct{ Title string } `json:"macro"`
		}
		env.Do(t, "GET", path, nil, ada).Decode(t, &shown)
		require.Equal(t, "Ada's", shown.Macro.Title, "refused changes changed nothing")

		// Shared macros: agents use them, only admins change them.
		res = env.Do(t, "POST", "/api/v2/macros.json", macro("Shared", act("status", "open")))
		res.Decode(t, &m)
		shared := fmt.Sprintf("/api/v2/macros/%d.json", m.Macro.ID)
		require.Equal(t, http.StatusOK, env.Do(t, "GET", shared, nil, bob).Status)
		require.Equal(t, http.StatusForbidden, env.Do(t, "PUT", shared, macro("Mine now"), bob).Status)
		require.Equal(t, http.StatusOK, env.Do(t, "GET", fmt.Sprintf("/api/v2/macros/%d/apply.json", m.Macro.ID), nil, bob).Status)

		// End users: nothing.
		for _, p := range []string{"/api/v2/macros.json", shared, "/api/v2/views.json", "/api/v2/views/1.json",
			"/api/v2/views/1/tickets.json", "/api/v2/views/count_many.json?ids=1", "/api/v2/macros/categories.json"} {
			require.Equal(t, http.StatusForbidden, env.Do(t, "GET", p, nil, eve).Status, p)
		}
		require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/macros.json", macro("Eve", act("status", "open")), eve).Status)
		require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/views.json", badView("status", "is", "open"), eve).Status)

		// Unknown ids, and default views only admins change.
		require.Equal(t, http.StatusNotFound, env.Do(t, "GET", "/api/v2/macros/99999.json", nil).Status)
		require.Equal(t, http.StatusNotFound, env.Do(t, "GET", "/api/v2/views/99999/execute.json", nil).Status)
		require.Equal(t, http.StatusNotFound, env.Do(t, "GET", "/api/v2/tickets/99999/macros/1/apply.json", nil).Status)
		require.Equal(t, http.StatusForbidden, env.Do(t, "DELETE", "/api/v2/views/1.json", nil, ada).Status)
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/views/count_many.json", nil).Status)
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/macros/search.json", nil).Status)
		require.Equal(t, int64(5), rows(t, env, "ticket_views"))
	})
}

func rows(t *testing.T, env *apitest.Env, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n))
	return n
}

package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
)

// TestPurgeUserLeavesNoTrace permanently deletes a user who filed a ticket and
// appears in a failed job's results: the user is gone from search and the API,
// the ticket stays, and on SQLite no file of the data directory holds the user's
// name or email in any form (canary scan), while it did before.
func TestPurgeUserLeavesNoTrace(t *testing.T) {
	t.Parallel()
	const canary = "Quillfeather7f3a9c"
	name, email := "Zed "+canary, "zed."+canary+"@example.com"
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			var dataDir string
			env := apitest.New(t, b, apitest.WithConfig(func(c *config.Serve) { dataDir = c.DataDir }))
			c, ctx := env.AdminClient(), t.Context()
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", Comment: &zendesk.TicketComment{Body: "jammed"},
				Requester: &zendesk.Requester{Name: name, Email: email}})
			require.NoError(t, err)
			// A failed create quotes the address in the job's results.
			_, err = c.Post(ctx, "/users/create_many.json", map[string]any{"users": []map[string]any{{"name": "Dup", "email": email}}})
			require.NoError(t, err)
			found, _, err := c.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: canary})
			require.NoError(t, err)
			require.Len(t, found, 1)
			userID := found[0].ID
			if b == apitest.SQLite {
				require.NoError(t, env.Instance.DB.Scrub(ctx)) // checkpoint, so the scan sees the rows
				require.NotEmpty(t, canarytest.FilesContaining(t, dataDir, canary), "the name is stored before the purge")
			}

			res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", userID), nil)
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, "a live user is deleted first: %s", res.Body)
			_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
			// go-zendesk's Delete wants a 204; Zendesk answers this one 200 with the user.
			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/users/%d.json", userID), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", userID), nil, apitest.As("ada@example.com", agentToken))
			require.Equal(t, http.StatusForbidden, res.Status, "admins only: %s", res.Body)

			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", userID), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var out struct {
				DeletedUser zendesk.User `json:"deleted_user"`
			}
			res.Decode(t, &out)
			require.Equal(t, desk.PurgedUserName, out.DeletedUser.Name)
			require.NotContains(t, out.DeletedUser.Email, canary)

			found, _, err = c.SearchUsers(ctx, &zendesk.SearchUsersOptions{Query: canary})
			require.NoError(t, err)
			require.Empty(t, found)
			body, err := c.Get(ctx, "/search.json?query="+canary)
			require.NoError(t, err)
			var sr struct{ Count int }
			require.NoError(t, json.Unmarshal(body, &sr))
			require.Zero(t, sr.Count)
			kept, err := c.GetTicket(ctx, tk.ID)
			require.NoError(t, err)
			require.Equal(t, userID, kept.RequesterID, "the ticket stays, naming the anonymous user")
			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", userID), nil)
			require.Equal(t, http.StatusNotFound, res.Status, "a purged user is gone: %s", res.Body)

			var n int
			db := env.Instance.DB.WriteDB()
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_statuses WHERE results LIKE '%`+canary+`%'`).Scan(&n))
			require.Zero(t, n, "job results no longer quote the address")
			if b == apitest.SQLite {
				for _, needle := range canarytest.Needles(canary) {
					require.Empty(t, canarytest.FilesContaining(t, dataDir, needle), "files still holding %q", needle)
				}
			}
		})
	}
}

package instance_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/escalation"
)

// TestEscalationFilesOnEachBackend: a file on a standard ticket reaches the
// secure ticket byte for byte, and standard's store (files in the data
// directory on SQLite, blob_chunks on PostgreSQL) holds none of it after the
// purge (issue 18).
func TestEscalationFilesOnEachBackend(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			sd := newDeployment(t, b)
			sd.configure = func(c *config.Serve) { c.JobPoll = 20 * time.Millisecond }
			std := sd.open(true)
			xd := newDeployment(t, sqliteBackend)
			xd.configure = func(c *config.Serve) {
				c.Confidential, c.WebhookHosts = true, strings.TrimPrefix(std.URL, "http://")
				c.JobPoll = 20 * time.Millisecond
			}
			sec := xd.open(true)
			m, err := escalation.ParseMap("Payroll (secure)=Payroll")
			require.NoError(t, err)
			_, err = escalation.Setup(context.Background(), escalation.Config{Map: m,
				Standard: escalation.Side{URL: std.URL, Email: std.admin.Email, Token: std.token},
				Secure:   escalation.Side{URL: sec.URL, Email: sec.admin.Email, Token: sec.token}})
			require.NoError(t, err)

			content := []byte("Net pay 4,200 backend-canary-" + b.name + "-5d1e\n")
			req, err := http.NewRequest("POST", std.URL+"/api/v2/uploads.json?filename=payslip.txt", strings.NewReader(string(content)))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+std.token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var up struct{ Upload struct{ Token string } }
			require.Equal(t, http.StatusCreated, resp.StatusCode)
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&up))
			resp.Body.Close()
			var groups struct {
				Groups []struct {
					ID   int64
					Name string
				}
			}
			std.must(http.StatusOK, "GET", "/api/v2/groups", nil, &groups)
			var pseudo int64
			for _, g := range groups.Groups {
				if g.Name == "Payroll (secure)" {
					pseudo = g.ID
				}
			}
			var created struct{ Ticket struct{ ID int64 } }
			std.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{
				"subject": "Payslip", "requester": map[string]any{"name": "Jo", "email": "jo@example.org"},
				"comment": map[string]any{"body": "Attached", "uploads": []string{up.Upload.Token}}}}, &created)
			std.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v2/tickets/%d", created.Ticket.ID),
				map[string]any{"ticket": map[string]any{"group_id": pseudo}}, nil)

			var url string
			waitFor(t, 30*time.Second, "the file on the secure ticket", func() bool {
				var list struct{ Tickets []struct{ ID int64 } }
				sec.must(http.StatusOK, "GET", "/api/v2/tickets", nil, &list)
				for _, tk := range list.Tickets {
					var cs struct {
						Comments []struct {
							Attachments []struct {
								ContentURL string `json:"content_url"`
							}
						}
					}
					sec.must(http.StatusOK, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments", tk.ID), nil, &cs)
					for _, c := range cs.Comments {
						for _, a := range c.Attachments {
							url = a.ContentURL
						}
					}
				}
				return url != ""
			})
			req, err = http.NewRequest("GET", url, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+sec.token)
			resp, err = http.DefaultClient.Do(req)
			require.NoError(t, err)
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, sha256.Sum256(content), sha256.Sum256(got), "byte for byte")

			waitFor(t, 30*time.Second, "standard's store emptied", func() bool {
				var gone json.RawMessage
				status, _ := std.do("GET", fmt.Sprintf("/api/v2/tickets/%d", created.Ticket.ID), nil, nil, &gone)
				return status == http.StatusNotFound && storedFiles(t, std, sd) == 0
			})
		})
	}
}

// storedFiles counts the files standard's blob store holds.
func storedFiles(t *testing.T, n *node, d *deployment) int {
	if d.store.DatabaseURL != "" {
		var count int
		require.NoError(t, n.In.DB.WriteDB().QueryRow(`SELECT (SELECT COUNT(*) FROM blobs) + (SELECT COUNT(*) FROM blob_chunks)`).Scan(&count))
		return count
	}
	count := 0
	_ = filepath.Walk(filepath.Join(d.store.DataDir, "blobs"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			count++
		}
		return nil
	})
	return count
}

package api_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
)

// TestRedactAttachment: an agent redacts a comment's file; it becomes an
// empty redacted.txt and its bytes leave the store. End users can't.
func TestRedactAttachment(t *testing.T) {
	t.Parallel()
	var dataDir string
	env := apitest.New(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { dataDir = c.DataDir }))
	c, ctx := env.AdminClient(), t.Context()
	ownerID, ownerToken := env.CreateEndUser(t, "Erin", "erin@example.com")
	up := upload(t, c, "id-scan.png", "", canaryPNG(t))
	tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "ID", RequesterID: ownerID, Comment: &zendesk.TicketComment{Body: "scan", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	list, err := c.ListTicketComments(ctx, tk.ID, nil)
	require.NoError(t, err)
	cm := list.TicketComments[0]
	path := fmt.Sprintf("/api/v2/tickets/%d/comments/%d/attachments/%d/redact.json", tk.ID, cm.ID, up.Attachment.ID)

	require.Equal(t, http.StatusForbidden, env.Do(t, "PUT", path, nil, apitest.As("erin@example.com", ownerToken)).Status)
	wrong := fmt.Sprintf("/api/v2/tickets/%d/comments/%d/attachments/%d/redact.json", tk.ID, cm.ID+1, up.Attachment.ID)
	require.Equal(t, http.StatusNotFound, env.Do(t, "PUT", wrong, nil).Status)
	require.NotEmpty(t, canarytest.FilesContaining(t, dataDir, attachCanary))

	res := env.Do(t, "PUT", path, nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var out struct {
		Attachment struct {
			FileName string `json:"file_name"`
			Size     int64  `json:"size"`
		} `json:"attachment"`
	}
	res.Decode(t, &out)
	require.Equal(t, "redacted.txt", out.Attachment.FileName)
	require.Zero(t, out.Attachment.Size)
	dl, body := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, dl.StatusCode)
	require.Empty(t, body)
	require.Empty(t, canarytest.FilesContaining(t, filepath.Join(dataDir, "blobs"), attachCanary))
}

// TestDownloadWithWebSession: the agent UI's session cookie opens content_url
// as an API token does; a forged cookie is a 401.
func TestDownloadWithWebSession(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c, ctx := env.AdminClient(), t.Context()
	up := upload(t, c, "a.txt", "", []byte("hello"))
	_, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "s", Comment: &zendesk.TicketComment{Body: "b", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	require.NoError(t, env.Instance.Desk.SetPassword(ctx, apitest.AdminEmail, "correct horse battery"))
	sess, err := env.Instance.Desk.Login(ctx, apitest.AdminEmail, "correct horse battery")
	require.NoError(t, err)
	for cookie, want := range map[string]int{sess.Token: http.StatusOK, "forged": http.StatusUnauthorized} {
		req, err := http.NewRequestWithContext(ctx, "GET", up.Attachment.ContentURL, nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: "twindesk_session", Value: cookie})
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, want, res.StatusCode)
	}
}

// TestTwoNodesShareFiles: on PostgreSQL, a file uploaded through one node
// downloads, identical, through another node over the same database.
func TestTwoNodesShareFiles(t *testing.T) {
	t.Parallel()
	var cfgA config.Serve
	env := apitest.New(t, apitest.Postgres, apitest.WithConfig(func(c *config.Serve) { cfgA = *c }))
	c, ctx := env.AdminClient(), t.Context()
	big := bigFile(3 << 20)
	up := upload(t, c, "contract.pdf", "", big)
	_, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "s", Comment: &zendesk.TicketComment{Body: "b", Uploads: []string{up.Token}}})
	require.NoError(t, err)

	cfgB := cfgA
	cfgB.DataDir = t.TempDir() // node B shares the database, not a disk
	nodeB, err := instance.Open(context.Background(), cfgB, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	require.NoError(t, err)
	srvB := httptest.NewServer(nodeB.Handler())
	t.Cleanup(func() { srvB.Close(); _ = nodeB.Close() })

	urlB := srvB.URL + up.Attachment.ContentURL[len(env.URL):]
	res, body := download(t, urlB, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.Equal(t, sha256.Sum256(big), sha256.Sum256(body))
}

// TestNonASCIIFileName: a non-ASCII name round-trips and is encoded in the
// download's Content-Disposition (RFC 2231), still as an attachment.
func TestNonASCIIFileName(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c := env.AdminClient()
	up := upload(t, c, "Lohnabrechnung März.pdf", "", []byte("%PDF-1.4"))
	require.Equal(t, "Lohnabrechnung März.pdf", up.Attachment.FileName)
	require.Equal(t, "application/pdf", up.Attachment.ContentType)
	_, err := c.CreateTicket(t.Context(), zendesk.Ticket{Subject: "s", Comment: &zendesk.TicketComment{Body: "b", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	res, _ := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "attachment; filename*=utf-8''Lohnabrechnung%20M%C3%A4rz.pdf", res.Header.Get("Content-Disposition"))
}

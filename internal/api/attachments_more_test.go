package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/httpx"
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
		req.AddCookie(&http.Cookie{Name: httpx.SessionCookie(env.URL), Value: cookie})
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

// TestImageThumbnails: an image gets an 80-pixel PNG thumbnail, listed on the
// upload, the comment and the attachment, downloadable like the file, and
// purged with it; an image declaring a huge size gets none (it is never
// decoded).
func TestImageThumbnails(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			var dataDir string
			env := apitest.New(t, b, apitest.WithConfig(func(c *config.Serve) { dataDir = c.DataDir }))
			c, ctx := env.AdminClient(), t.Context()
			img := image.NewRGBA(image.Rect(0, 0, 400, 200))
			var buf bytes.Buffer
			require.NoError(t, png.Encode(&buf, img))
			up := upload(t, c, "photo.png", "", buf.Bytes())
			require.Len(t, up.Attachment.Thumbnails, 1)
			require.Len(t, up.Attachments, 1, "a thumbnail is not an attachment of its own")
			th := up.Attachment.Thumbnails[0]
			require.Equal(t, "photo_thumb.png", th.FileName)

			bomb := upload(t, c, "bomb.png", up.Token, pngHeader(100000, 100000))
			require.Empty(t, bomb.Attachment.Thumbnails)

			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "s", Comment: &zendesk.TicketComment{Body: "b", Uploads: []string{up.Token}}})
			require.NoError(t, err)
			got, err := c.GetAttachment(ctx, up.Attachment.ID)
			require.NoError(t, err)
			require.Len(t, got.Thumbnails, 1)
			list, err := c.ListTicketComments(ctx, tk.ID, nil)
			require.NoError(t, err)
			require.Len(t, list.TicketComments[0].Attachments, 2)
			require.Len(t, list.TicketComments[0].Attachments[0].Thumbnails, 1)
			res, body := download(t, th.ContentURL, apitest.AdminEmail, env.AdminToken)
			require.Equal(t, http.StatusOK, res.StatusCode)
			cfg, err := png.DecodeConfig(bytes.NewReader(body))
			require.NoError(t, err)
			require.Equal(t, [2]int{80, 40}, [2]int{cfg.Width, cfg.Height})

			require.NoError(t, c.DeleteTicket(ctx, tk.ID))
			require.Equal(t, http.StatusOK, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", tk.ID), nil).Status)
			res, _ = download(t, th.ContentURL, apitest.AdminEmail, env.AdminToken)
			require.Equal(t, http.StatusNotFound, res.StatusCode)
			if b == apitest.Postgres {
				var n int
				require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM blob_chunks`).Scan(&n))
				require.Zero(t, n, "file and thumbnail chunks deleted")
				return
			}
			require.Empty(t, regularFiles(t, filepath.Join(dataDir, "blobs")), "file and thumbnail removed")
		})
	}
}

// pngHeader is a PNG signature and IHDR declaring w x h pixels, with no data.
func pngHeader(w, h uint32) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	ihdr := []byte{byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), 8, 6, 0, 0, 0}
	out = appendChunk(out, "IHDR", ihdr)
	return appendChunk(out, "IEND", nil)
}

// slowReader sends n bytes in small pieces, pausing between them.
type slowReader struct {
	left  int
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := min(len(p), s.left, 1024)
	s.left -= n
	return n, nil
}

// TestSlowUploadOutlastsReadTimeout: an upload may take longer than the
// server's read and write timeouts, which are meant for JSON bodies.
func TestSlowUploadOutlastsReadTimeout(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	srv := httptest.NewUnstartedServer(env.Instance.Handler())
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/v2/uploads.json?filename=slow.bin", &slowReader{left: 10 << 10, pause: 100 * time.Millisecond})
	require.NoError(t, err)
	req.SetBasicAuth(apitest.AdminEmail+"/token", env.AdminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
}

// TestUploadContentType: a specific Content-Type is kept; the generic ones
// clients send for any file (go-zendesk's application/binary, node-zendesk's
// application/json for a file given by path) give way to the name's type.
func TestUploadContentType(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	for _, c := range []struct{ sent, name, want string }{
		{"application/json", "scan.png", "image/png"},
		{"application/binary", "payslip.pdf", "application/pdf"},
		{"", "notes.unknownext", "application/octet-stream"},
		{"image/jpeg; charset=binary", "photo.bin", "image/jpeg"},
	} {
		res := env.Do(t, "POST", "/api/v2/uploads.json?filename="+c.name, []byte("x"), apitest.Header("Content-Type", c.sent))
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var out struct {
			Upload struct {
				Attachment struct {
					ContentType string `json:"content_type"`
				} `json:"attachment"`
			} `json:"upload"`
		}
		res.Decode(t, &out)
		require.Equal(t, c.want, out.Upload.Attachment.ContentType, "%+v", c)
	}
}

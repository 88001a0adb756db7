package api_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/config"
)

// attachCanary is written inside the test files; after a purge no file of the
// data directory may hold it.
const attachCanary = "zqxattachcanary7741"

// canaryPNG is a 5x3 PNG carrying the canary in a text chunk.
func canaryPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 5, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	b := buf.Bytes()
	// A tEXt chunk before IEND (the last 12 bytes); decoders skip it.
	text := append([]byte("Comment\x00"), attachCanary...)
	chunk := appendChunk(nil, "tEXt", text)
	out := append(append(append([]byte{}, b[:len(b)-12]...), chunk...), b[len(b)-12:]...)
	return out
}

func appendChunk(dst []byte, typ string, data []byte) []byte {
	n := len(data)
	dst = append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	start := len(dst)
	dst = append(dst, typ...)
	dst = append(dst, data...)
	crc := crc32IEEE(dst[start:])
	return append(dst, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
}

// bigFile is n random bytes with the canary in the middle.
func bigFile(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b[n/2:], attachCanary)
	return b
}

func upload(t *testing.T, c *zendesk.Client, name, token string, body []byte) zendesk.Upload {
	t.Helper()
	w := c.UploadAttachment(t.Context(), name, token)
	_, err := w.Write(body)
	require.NoError(t, err)
	up, err := w.Close()
	require.NoError(t, err)
	return up
}

// download GETs a content_url with an API token and returns the answer.
func download(t *testing.T, url, email, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	require.NoError(t, err)
	if email != "" {
		req.SetBasicAuth(email+"/token", token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

func TestAttachmentsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c, ctx := env.AdminClient(), t.Context()
			ownerID, ownerToken := env.CreateEndUser(t, "Erin", "erin@example.com")
			_, otherToken := env.CreateEndUser(t, "Olaf", "olaf@example.com")

			pngBytes, big := canaryPNG(t), bigFile(2<<20)
			up := upload(t, c, "scan.png", "", pngBytes)
			require.NotEmpty(t, up.Token)
			up2 := upload(t, c, "contract.pdf", up.Token, big)
			require.Equal(t, up.Token, up2.Token)
			require.Len(t, up2.Attachments, 2, "several files per token")
			require.Equal(t, "contract.pdf", up2.Attachment.FileName)
			require.Equal(t, int64(len(big)), up2.Attachment.Size)

			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Payslip", RequesterID: ownerID,
				Comment: &zendesk.TicketComment{Body: "see files", Uploads: []string{up.Token}}})
			require.NoError(t, err)
			list, err := c.ListTicketComments(ctx, tk.ID, nil)
			require.NoError(t, err)
			comments := list.TicketComments
			require.Len(t, comments[0].Attachments, 2)
			want := map[string][32]byte{"scan.png": sha256.Sum256(pngBytes), "contract.pdf": sha256.Sum256(big)}
			for _, a := range comments[0].Attachments {
				res, body := download(t, a.ContentURL, apitest.AdminEmail, env.AdminToken)
				require.Equal(t, http.StatusOK, res.StatusCode, string(body))
				require.Equal(t, want[a.FileName], sha256.Sum256(body), a.FileName)
				require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
				require.True(t, strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment"))
				// The requester downloads their own ticket's files; another end user gets a 404.
				res, body = download(t, a.ContentURL, "erin@example.com", ownerToken)
				require.Equal(t, http.StatusOK, res.StatusCode)
				require.Equal(t, want[a.FileName], sha256.Sum256(body))
				res, _ = download(t, a.ContentURL, "olaf@example.com", otherToken)
				require.Equal(t, http.StatusNotFound, res.StatusCode)
				res, _ = download(t, a.ContentURL, "", "")
				require.Equal(t, http.StatusUnauthorized, res.StatusCode)
				got, err := c.GetAttachment(ctx, a.ID)
				require.NoError(t, err)
				require.Equal(t, a.FileName, got.FileName)
				other := env.Do(t, "GET", fmt.Sprintf("/api/v2/attachments/%d.json", a.ID), nil, apitest.As("olaf@example.com", otherToken))
				require.Equal(t, http.StatusNotFound, other.Status)
			}
			// Width and height of the PNG, and the files on the audit's Comment event.
			res := env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/audits.json", tk.ID), nil)
			require.Equal(t, http.StatusOK, res.Status)
			var audits struct {
				Audits []struct {
					Events []struct {
						Type        string `json:"type"`
						Attachments []struct {
							FileName string `json:"file_name"`
							Width    *int   `json:"width"`
							Height   *int   `json:"height"`
						} `json:"attachments"`
					} `json:"events"`
				} `json:"audits"`
			}
			res.Decode(t, &audits)
			var seen int
			for _, ev := range audits.Audits[0].Events {
				if ev.Type == "Comment" {
					require.Len(t, ev.Attachments, 2)
					require.Equal(t, "scan.png", ev.Attachments[0].FileName)
					require.Equal(t, 5, *ev.Attachments[0].Width)
					require.Equal(t, 3, *ev.Attachments[0].Height)
					require.Nil(t, ev.Attachments[1].Width)
					seen++
				}
			}
			require.Equal(t, 1, seen)

			// A used token, an unknown one or another user's is a 422, and nothing is saved.
			mine := upload(t, c, "note.txt", "", []byte("hello"))
			otherUp := upload(t, env.Client("olaf@example.com", otherToken), "x.txt", "", []byte("x"))
			for _, token := range []string{up.Token, "nosuchtoken", otherUp.Token} {
				res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.ID),
					map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "again", "uploads": []string{mine.Token, token}}}})
				require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
				require.Contains(t, string(res.Body), "RecordInvalid")
			}
			list, err = c.ListTicketComments(ctx, tk.ID, nil)
			require.NoError(t, err)
			require.Len(t, list.TicketComments, 1, "a refused update adds no comment")
			// The rolled-back attempts left mine unused: it still attaches.
			_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "now", Uploads: []string{mine.Token}}})
			require.NoError(t, err)

			// DeleteUpload removes an unused upload.
			gone := upload(t, c, "draft.txt", "", []byte("draft"))
			require.NoError(t, c.DeleteUpload(ctx, gone.Token))
			_, err = c.GetAttachment(ctx, gone.Attachment.ID)
			require.Error(t, err)
			require.Equal(t, http.StatusNotFound, env.Do(t, "DELETE", "/api/v2/uploads/"+gone.Token+".json", nil).Status)
		})
	}
}

// TestPrivateNoteAttachmentHiddenFromRequester: a file on an internal note is
// the agents' alone, even for the ticket's requester.
func TestPrivateNoteAttachmentHiddenFromRequester(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c, ctx := env.AdminClient(), t.Context()
	ownerID, ownerToken := env.CreateEndUser(t, "Erin", "erin@example.com")
	tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Leave", RequesterID: ownerID, Comment: &zendesk.TicketComment{Body: "hi"}})
	require.NoError(t, err)
	up := upload(t, c, "assessment.txt", "", []byte("internal assessment"))
	pub := false
	_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "note", Public: &pub, Uploads: []string{up.Token}}})
	require.NoError(t, err)
	res, _ := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = download(t, up.Attachment.ContentURL, "erin@example.com", ownerToken)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	r := env.Do(t, "GET", fmt.Sprintf("/api/v2/attachments/%d.json", up.Attachment.ID), nil, apitest.As("erin@example.com", ownerToken))
	require.Equal(t, http.StatusNotFound, r.Status)
}

// TestHTMLAttachmentIsADownload: an uploaded page is served as bytes to save,
// never as a document of this origin.
func TestHTMLAttachmentIsADownload(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c := env.AdminClient()
	page := []byte(`<html><script>fetch("/api/v2/users/me")</script></html>`)
	up := upload(t, c, "evil.html", "", page)
	require.Equal(t, "text/html", up.Attachment.ContentType)
	_, err := c.CreateTicket(t.Context(), zendesk.Ticket{Subject: "page", Comment: &zendesk.TicketComment{Body: "x", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	res, body := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, page, body)
	require.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename=evil.html`, res.Header.Get("Content-Disposition"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
}

// TestUploadOverLimit: a file over --max-attachment-bytes is a 413 and leaves
// nothing stored, whether the client announced its length or streamed it.
func TestUploadOverLimit(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			var dataDir string
			env := apitest.New(t, b, apitest.WithConfig(func(c *config.Serve) { c.MaxAttachmentBytes, dataDir = 1000, c.DataDir }))
			body := bigFile(5000)
			res := env.Do(t, "POST", "/api/v2/uploads.json?filename=big.bin", body, apitest.Header("Content-Type", "application/binary"))
			require.Equal(t, http.StatusRequestEntityTooLarge, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), `"error":"RequestTooLarge"`)
			// Streamed without a length (go-zendesk's pipe): refused after 1000 bytes.
			w := env.AdminClient().UploadAttachment(t.Context(), "big.bin", "")
			_, _ = w.Write(body)
			_, err := w.Close()
			require.Error(t, err)
			var n int
			require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM attachments`).Scan(&n))
			require.Zero(t, n)
			if b == apitest.Postgres {
				require.NoError(t, env.Instance.DB.WriteDB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM blob_chunks`).Scan(&n))
				require.Zero(t, n)
				return
			}
			require.Empty(t, canarytest.FilesContaining(t, filepath.Join(dataDir, "blobs"), attachCanary))
			require.Empty(t, regularFiles(t, filepath.Join(dataDir, "blobs")))
		})
	}
}

func regularFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			out = append(out, p)
		}
		return err
	}))
	return out
}

// TestPurgeRemovesAttachmentBytes: a purged ticket's files are gone from every
// file of the data directory (SQLite), and their rows and chunks from
// PostgreSQL, in the purge itself.
func TestPurgeRemovesAttachmentBytes(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			var dataDir string
			env := apitest.New(t, b, apitest.WithConfig(func(c *config.Serve) { dataDir = c.DataDir }))
			c, ctx := env.AdminClient(), t.Context()
			up := upload(t, c, "scan.png", "", canaryPNG(t))
			upload(t, c, "contract.pdf", up.Token, bigFile(2<<20))
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Payslip", Comment: &zendesk.TicketComment{Body: "files", Uploads: []string{up.Token}}})
			require.NoError(t, err)
			keep := upload(t, c, "keep.txt", "", []byte("unrelated "+attachCanary+"keep"))
			_, err = c.CreateTicket(ctx, zendesk.Ticket{Subject: "Other", Comment: &zendesk.TicketComment{Body: "x", Uploads: []string{keep.Token}}})
			require.NoError(t, err)
			db := env.Instance.DB.WriteDB()
			if b == apitest.SQLite {
				require.Len(t, canarytest.FilesContaining(t, dataDir, attachCanary), 3, "the files are stored before the purge")
			}

			require.NoError(t, c.DeleteTicket(ctx, tk.ID))
			res := env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", tk.ID), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))

			res2, _ := download(t, up.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
			require.Equal(t, http.StatusNotFound, res2.StatusCode)
			var n int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE ticket_id = $1`, tk.ID).Scan(&n))
			require.Zero(t, n)
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM blob_deletes_owed`).Scan(&n))
			require.Zero(t, n, "every delete owed was paid")
			// The other ticket's file is untouched.
			res3, body := download(t, keep.Attachment.ContentURL, apitest.AdminEmail, env.AdminToken)
			require.Equal(t, http.StatusOK, res3.StatusCode)
			require.Contains(t, string(body), attachCanary+"keep")
			if b == apitest.Postgres {
				require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM blobs`).Scan(&n))
				require.Equal(t, 1, n, "only the kept ticket's blob remains")
				return
			}
			hits := canarytest.FilesContaining(t, dataDir, attachCanary)
			require.Len(t, hits, 1, "only the kept file: %v", hits)
			kept, err := os.ReadFile(hits[0])
			require.NoError(t, err)
			require.Contains(t, string(kept), attachCanary+"keep")
		})
	}
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// upload is one file of a multipart post.
type upload struct {
	name, contentType string
	body              []byte
}

// postFiles posts fields (csrf first, as a browser sends the form's first input
// first) and then files as multipart/form-data.
func (c *client) postFiles(path string, fields [][2]string, files ...upload) (int, string, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	write := func(name, value string) {
		if err := mw.WriteField(name, value); err != nil {
			c.t.Fatal(err)
		}
	}
	write("csrf", c.csrf)
	for _, f := range fields {
		write(f[0], f[1])
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename="%s"`, f.name))
		h.Set("Content-Type", f.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			c.t.Fatal(err)
		}
		if _, err := w.Write(f.body); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.base+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// pngImage encodes a w x h PNG.
func pngImage(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testMaxFile is the per-file limit of the attachment tests, small so an
// oversized file is cheap.
const testMaxFile = 300 << 10

func withSmallFileLimit() apitest.Option {
	return apitest.WithConfig(func(c *config.Serve) { c.MaxAttachmentBytes = testMaxFile })
}

// unattached counts the uploads no comment took (any age).
func unattached(t *testing.T, b *bundle) int {
	t.Helper()
	list, err := b.env.Instance.DB.Read().ExpiredUploads(context.Background(), time.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

var imgRe = regexp.MustCompile(`<img src="(/attachments/token/[^"]+)" width="(\d+)" height="(\d+)" alt="screen.png">`)

var linkRe = regexp.MustCompile(`<a href="(/attachments/token/[^"]+)" class="file-name">report &lt;1&gt;.pdf</a>`)

// TestReplyWithFiles posts a reply carrying a PDF and a PNG through the ticket
// form, sees both listed with sizes and the PNG previewed by its thumbnail,
// downloads the PDF with the session cookie; an oversized file is a 413 that
// saves nothing; a stub's note takes a file, a public reply on a stub is refused.
func TestReplyWithFiles(t *testing.T) {
	t.Parallel()
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend, withSmallFileLimit())
			tk := b.ticket(t, "Payslip", "Wrong amount", "emp@example.com", true)
			c := b.client(t)
			c.login(apitest.AdminEmail)
			path := fmt.Sprintf("/tickets/%d", tk.ID)
			status, page := c.get(path)
			if status != http.StatusOK || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `<input type="file" id="files" name="files" multiple>`) {
				t.Fatalf("ticket page: status %d, want a multipart form with a file input", status)
			}

			pdf := bytes.Repeat([]byte("%PDF-1.4 canary "), 200) // 3200 bytes
			shot := pngImage(t, 200, 100)
			fields := [][2]string{{"visibility", "public"}, {"body", "Here are both files"}}
			status, loc, body := c.postFiles(path, fields,
				upload{"report <1>.pdf", "application/pdf", pdf}, upload{"screen.png", "image/png", shot})
			if status != http.StatusSeeOther || loc != path+"?flash=updated" {
				t.Fatalf("reply with files: status %d location %q\n%s", status, loc, body)
			}
			_, page = c.get(path)
			if !strings.Contains(page, "<li>Attached report &lt;1&gt;.pdf, screen.png</li>") {
				t.Errorf("the history doesn't say which files the reply attached:\n%s", page)
			}
			if !strings.Contains(page, "3.1 KB") || !strings.Contains(page, "application/pdf") || !strings.Contains(page, "image/png") {
				t.Errorf("the ticket page lacks the files' sizes or types:\n%s", page)
			}
			m := imgRe.FindStringSubmatch(page)
			if m == nil || m[2] != "80" || m[3] != "40" {
				t.Fatalf("the PNG is not previewed by its 80x40 thumbnail: %v\n%s", m, page)
			}
			link := linkRe.FindStringSubmatch(page)
			if link == nil {
				t.Fatalf("the PDF's name is not listed (escaped) with a link:\n%s", page)
			}
			got := c.download(link[1])
			if sha256.Sum256(got) != sha256.Sum256(pdf) {
				t.Fatalf("the downloaded PDF differs: %d bytes, want %d", len(got), len(pdf))
			}
			if thumb := c.download(strings.ReplaceAll(m[1], "&amp;", "&")); !bytes.HasPrefix(thumb, []byte("\x89PNG")) {
				t.Fatalf("the preview is not a PNG: %q", thumb[:min(len(thumb), 16)])
			}

			// A file over the limit, after one that fits: 413, nothing saved.
			before := comments(t, b, tk.ID)
			status, _, body = c.postFiles(path, [][2]string{{"visibility", "internal"}, {"body", "too big"}},
				upload{"small.txt", "text/plain", []byte("fits")}, upload{"huge.bin", "application/octet-stream", make([]byte, testMaxFile+1)})
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "huge.bin") || !strings.Contains(body, "larger than the limit of 300 KB") {
				t.Fatalf("oversized file: status %d, want 413 naming the file and the limit\n%s", status, body)
			}
			if after := comments(t, b, tk.ID); after != before {
				t.Fatalf("the refused post added a comment: %d, want %d", after, before)
			}
			if n := unattached(t, b); n != 0 {
				t.Fatalf("the refused post left %d uploads", n)
			}
			files, err := b.env.Instance.DB.Read().TicketAttachments(context.Background(), tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 3 { // the PDF, the PNG and its thumbnail
				t.Fatalf("the ticket has %d attachment rows, want 3", len(files))
			}

			// A stub's note carries its file (the escalation sends both to secure),
			// posted as the page's form does, nonce included.
			stub := b.stub(t, "9002", "emp2@example.com")
			spath := fmt.Sprintf("/tickets/%d", stub.ID)
			if _, stubPage := c.get(spath); !strings.Contains(stubPage, `id="files"`) {
				t.Fatalf("the stub's note form offers no file input")
			}
			before = comments(t, b, stub.ID)
			status, _, body = c.postFiles(spath, [][2]string{{"visibility", "internal"}, {"body", "see file"}, {"once", "stub-note-1"}},
				upload{"note.txt", "text/plain", []byte("late scan")})
			if status != http.StatusSeeOther {
				t.Fatalf("file on a stub's note: status %d, want 303\n%s", status, body)
			}
			if after := comments(t, b, stub.ID); after != before+1 {
				t.Fatalf("the note was not added")
			}
			onStub, err := b.env.Instance.DB.Read().TicketAttachments(context.Background(), stub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(onStub) != 1 || onStub[0].FileName != "note.txt" || onStub[0].CommentID == 0 {
				t.Fatalf("the stub's note holds %+v, want note.txt", onStub)
			}
			// A public reply stays refused on a stub, files or not.
			status, _, body = c.postFiles(spath, [][2]string{{"visibility", "public"}, {"body", "to the employee"}},
				upload{"reply.txt", "text/plain", []byte("x")})
			if status != http.StatusForbidden || !strings.Contains(body, "only internal notes") {
				t.Fatalf("public reply on a stub: status %d, want 403\n%s", status, body)
			}
			if n := unattached(t, b); n != 0 {
				t.Fatalf("the refused reply left %d uploads", n)
			}
		})
	}
}

// TestFilesWithoutMessageAreKept refuses files sent without a message (a
// comment carries them) and keeps them for the next submit.
func TestFilesWithoutMessageAreKept(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Contract", "Please check", "emp@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	c.get(path)
	status, _, page := c.postFiles(path, [][2]string{{"visibility", "internal"}, {"body", ""}},
		upload{"contract.txt", "text/plain", []byte("signed")})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "write a message to go with the attached files") {
		t.Fatalf("files without a message: status %d, want 422\n%s", status, page)
	}
	token := regexp.MustCompile(`name="upload_token" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil || !strings.Contains(page, "contract.txt") {
		t.Fatalf("the refused submit's file is not kept on the page:\n%s", page)
	}
	status, _, page = c.postFiles(path, [][2]string{{"upload_token", token[1]}, {"visibility", "internal"}, {"body", "The contract"}})
	if status != http.StatusSeeOther {
		t.Fatalf("resubmit: status %d\n%s", status, page)
	}
	_, page = c.get(path)
	if !strings.Contains(page, `class="file-name">contract.txt</a>`) {
		t.Fatalf("the kept file is not on the comment:\n%s", page)
	}

	// The new-ticket form keeps them across a refused submit too.
	_, page = c.get("/tickets/new")
	fields := [][2]string{{"requester_email", "emp@example.com"}, {"subject", " "}, {"body", "Scan"}}
	status, _, page = c.postFiles("/tickets", fields, upload{"scan.txt", "text/plain", []byte("scan")})
	token = regexp.MustCompile(`name="upload_token" value="([^"]+)" checked`).FindStringSubmatch(page)
	if status != http.StatusUnprocessableEntity || token == nil || !strings.Contains(page, `class="file-name">scan.txt</a>`) {
		t.Fatalf("new ticket without subject: status %d, want 422 keeping scan.txt\n%s", status, page)
	}
	fields[1][1] = "Scan"
	status, loc, page := c.postFiles("/tickets", append([][2]string{{"upload_token", token[1]}}, fields...))
	if status != http.StatusSeeOther {
		t.Fatalf("new ticket resubmitted: status %d\n%s", status, page)
	}
	if _, page = c.get(strings.TrimSuffix(loc, "?flash=created")); !strings.Contains(page, `class="file-name">scan.txt</a>`) {
		t.Fatalf("the kept file is not on the new ticket:\n%s", page)
	}
}

// download GETs path with c's cookies (the web session) and returns the body.
func (c *client) download(path string) []byte {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("download %s: status %d %s", path, res.StatusCode, b)
	}
	return b
}

// comments counts a ticket's comments.
func comments(t *testing.T, b *bundle, ticketID int64) int {
	t.Helper()
	list, err := b.env.Instance.DB.Read().Comments(context.Background(), ticketID, storePageAll)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestFilesNeedCSRFToken: a multipart post with a wrong token, or with its file
// before the token, is refused before any file is stored.
func TestFilesNeedCSRFToken(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Forged", "x", "emp@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	good := c.csrf
	c.csrf = "x" + good
	status, _, _ := c.postFiles(path, [][2]string{{"body", "forged"}}, upload{"a.txt", "text/plain", []byte("a")})
	if status != http.StatusForbidden {
		t.Fatalf("wrong CSRF token with a file: status %d, want 403", status)
	}
	// The token after the file: the file comes before the token is known.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("files", "b.txt")
	_, _ = fw.Write([]byte("b"))
	_ = mw.WriteField("csrf", good)
	_ = mw.WriteField("body", "token last")
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("CSRF token after the file: status %d, want 403", res.StatusCode)
	}
	if n := unattached(t, b); n != 0 {
		t.Fatalf("refused posts stored %d files", n)
	}
	if n := comments(t, b, tk.ID); n != 1 {
		t.Fatalf("refused posts added comments: %d", n)
	}
}

// TestNewTicketWithFilesTwice: a new ticket's form posted twice (same
// idempotency key) makes one ticket with the files once; the second post's
// files are deleted.
func TestNewTicketWithFilesTwice(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get("/tickets/new")
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `id="files"`) {
		t.Fatalf("the new-ticket form takes no files:\n%s", page)
	}
	idem := regexp.MustCompile(`name="idem" value="([^"]+)"`).FindStringSubmatch(page)[1]
	fields := [][2]string{{"idem", idem}, {"requester_email", "emp@example.com"}, {"subject", "ID scan"},
		{"visibility", "internal"}, {"body", "Scan attached"}}
	var locs []string
	for range 2 {
		status, loc, body := c.postFiles("/tickets", fields, upload{"id.png", "image/png", pngImage(t, 30, 20)})
		if status != http.StatusSeeOther {
			t.Fatalf("create with a file: status %d\n%s", status, body)
		}
		locs = append(locs, loc)
	}
	if locs[0] != locs[1] {
		t.Fatalf("a double submit made two tickets: %v", locs)
	}
	_, page = c.get(strings.TrimSuffix(locs[0], "?flash=created"))
	if n := strings.Count(page, `class="file-name">id.png</a>`); n != 1 {
		t.Fatalf("the ticket lists id.png %d times, want once:\n%s", n, page)
	}
	if n := unattached(t, b); n != 0 {
		t.Fatalf("the replayed submit left %d uploads", n)
	}
}

package instance_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// mimeFile is one file part of a test mail.
type mimeFile struct {
	name, contentType, cid string
	data                   []byte
}

// mailWithFiles builds a multipart mail: HTML showing the cid: images, then
// the files, base64 encoded, with RFC 2231 names.
func mailWithFiles(from, subject string, files []mimeFile) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\nTo: it@it.company.example\nSubject: %s\nMessage-ID: <files-%d@example.com>\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/html; charset=utf-8\n\n"+
		"<p>Siehe Anhang.</p><img src=\"cid:scan1\">\n", from, subject, time.Now().UnixNano())
	for _, f := range files {
		disp := "attachment; filename*=utf-8''" + url.PathEscape(f.name)
		if f.cid != "" {
			disp = "inline"
		}
		fmt.Fprintf(&b, "--b1\nContent-Type: %s\nContent-Disposition: %s\nContent-Transfer-Encoding: base64\n", f.contentType, disp)
		if f.cid != "" {
			fmt.Fprintf(&b, "Content-ID: <%s>\n", f.cid)
		}
		enc := base64.StdEncoding.EncodeToString(f.data)
		b.WriteString("\n")
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\n")
	}
	b.WriteString("--b1--\n")
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}

// TestMailInKeepsFilesAndTellsOfDropped: an incoming mail's inline cid: image
// and attachment are kept byte for byte; a file over --max-attachment-bytes and
// one past --max-mail-files are dropped, and never silently: an internal note
// names them for the agents and the sender gets a mail naming them.
func TestMailInKeepsFilesAndTellsOfDropped(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	smtpAddr := freeAddr(t)
	d := mailDeployment(t, sink, "full")
	configure := d.configure
	d.configure = func(c *config.Serve) {
		configure(c)
		c.SMTPListen, c.MaxMailFiles, c.MaxAttachmentBytes = smtpAddr, 2, 100<<10
	}
	n := d.open(true)
	// Serve binds the SMTP port after the queue starts: wait until it accepts.
	waitFor(t, 20*time.Second, "the SMTP receiver listening", func() bool {
		c, err := net.Dial("tcp", smtpAddr)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
	files := []mimeFile{
		{name: "image001.png", contentType: `image/png; name="image001.png"`, cid: "scan1", data: randomFile(t, 2000)}, // as Outlook sends them
		{name: "Lohnzettel März.pdf", contentType: "application/pdf", data: randomFile(t, 20<<10)},
		{name: "scan-großformat.tif", contentType: "image/tiff", data: randomFile(t, 200<<10)}, // over 100 KB
		{name: "extra.txt", contentType: "text/plain", data: []byte("third kept file would be over the count")},
	}
	require.NoError(t, smtp.SendMail(smtpAddr, nil, "jo@example.org", []string{"it@it.company.example"},
		mailWithFiles("Jo Doe <jo@example.org>", "Lohnzettel falsch", files)))

	var cs struct {
		Comments []struct {
			Body        string `json:"body"`
			Public      bool   `json:"public"`
			Attachments []struct {
				FileName   string `json:"file_name"`
				ContentURL string `json:"content_url"`
			} `json:"attachments"`
		} `json:"comments"`
	}
	waitFor(t, 20*time.Second, "the mail filed with its note", func() bool {
		var list struct{ Tickets []struct{ ID int64 } }
		n.must(http.StatusOK, "GET", "/api/v2/tickets.json", nil, &list)
		if len(list.Tickets) != 1 {
			return false
		}
		n.must(http.StatusOK, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", list.Tickets[0].ID), nil, &cs)
		return len(cs.Comments) == 2
	})
	first, note := cs.Comments[0], cs.Comments[1]
	require.True(t, first.Public)
	got := map[string][32]byte{}
	for _, a := range first.Attachments {
		req, err := http.NewRequest("GET", a.ContentURL, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+n.token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		got[a.FileName] = sha256.Sum256(body)
	}
	require.Equal(t, map[string][32]byte{"image001.png": sha256.Sum256(files[0].data), "Lohnzettel März.pdf": sha256.Sum256(files[1].data)}, got,
		"the cid: image and the attachment are kept byte for byte; the dropped ones and the raw message that holds them are not")
	require.False(t, note.Public, "the agents' note is internal")
	for _, name := range []string{"scan-großformat.tif", "extra.txt"} {
		require.Contains(t, note.Body, name)
	}

	told := func() []mailpittest.Summary { return bySubject(sink.Messages(), "were not kept") }
	waitFor(t, 20*time.Second, "the mail telling the sender", func() bool { return len(told()) == 1 })
	m := sink.Message(told()[0].ID)
	require.Equal(t, "jo@example.org", m.To[0].Address)
	require.Contains(t, m.Text, "scan-großformat.tif (0.2 MB): larger than the limit of 0.1 MB per file")
	require.Contains(t, m.Text, "extra.txt (0.0 MB): more than 2 files in one mail")
}

package escalation_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"
)

// The escalation carries the whole ticket (issue 18, points 4 and 6): each
// comment arrives on the secure ticket as it was, with its author, public flag,
// time and files byte for byte, and standard keeps no byte of the files.

// zendeskClient is go-zendesk for one user of an instance.
func zendeskClient(t *testing.T, a api) *zendesk.Client {
	c, err := zendesk.NewClient(nil)
	require.NoError(t, err)
	require.NoError(t, c.SetEndpointURL(a.base+"/api/v2"))
	c.SetCredential(zendesk.NewAPITokenCredential(a.email, a.token))
	return c
}

// canaryPDF is a 2 MB PDF whose content stream carries c amid random bytes.
func canaryPDF(t *testing.T, c string) []byte {
	filler := make([]byte, 2<<20)
	_, err := rand.Read(filler)
	require.NoError(t, err)
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj << /Length 0 >>\nstream\n")
	b.Write(filler[:1<<20])
	b.WriteString("\nBT (" + c + ") Tj ET\n")
	b.Write(filler[1<<20:])
	b.WriteString("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// canaryPNG is a 300x200 PNG with c in a tEXt chunk, large enough to get a
// thumbnail.
func canaryPNG(t *testing.T, c string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	raw := b.Bytes()
	iend := len(raw) - 12 // the IEND chunk: length, type, crc
	data := append([]byte("Comment\x00"), c...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(append([]byte("tEXt"), data...)))
	out := append(append(append([]byte{}, raw[:iend]...), chunk...), raw[iend:]...)
	_, err := png.Decode(bytes.NewReader(out))
	require.NoError(t, err, "the canary PNG is a valid PNG")
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// commentList is a ticket's comments as the API shows them.
func commentList(t *testing.T, a api, id int64) []map[string]any {
	out := a.must("GET", fmt.Sprintf("/tickets/%d/comments.json", id), nil)
	var res []map[string]any
	for _, c := range out["comments"].([]any) {
		res = append(res, c.(map[string]any))
	}
	return res
}

// download fetches url with a's credentials.
func download(t *testing.T, a api, url string) (int, []byte) {
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	req.SetBasicAuth(a.email+"/token", a.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestEscalationCarriesTheWholeTicket(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	tw.stdAdmin.must("POST", "/users.json", map[string]any{"user": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"}})
	joToken, err := tw.std.Instance.Desk.CreateToken(tw.ctx, "jo.doe@example.com")
	require.NoError(t, err)
	jo := api{t, tw.std.URL, "jo.doe@example.com", joToken}

	c, pdfC, pngC := canary(t, "WHOLE"), canary(t, "PDFCANARY"), canary(t, "PNGCANARY")
	pdf, img := canaryPDF(t, pdfC), canaryPNG(t, pngC)
	orig := ticketID(jo.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "Payslip " + c, "comment": map[string]any{"body": "My payslip is wrong " + c}}}))
	// The IT agent attaches both files to a private note with go-zendesk.
	zc := zendeskClient(t, it)
	w := zc.UploadAttachment(tw.ctx, "payslip.pdf", "")
	_, err = w.Write(pdf)
	require.NoError(t, err)
	up, err := w.Close()
	require.NoError(t, err)
	w = zc.UploadAttachment(tw.ctx, "scan.png", up.Token)
	_, err = w.Write(img)
	require.NoError(t, err)
	_, err = w.Close()
	require.NoError(t, err)
	steps := []struct {
		who    api
		body   string
		public bool
		files  []string
	}{
		{it, "Internal: payslip and scan attached " + c, false, []string{up.Token}},
		{it, "We are looking into it " + c, true, nil},
		{jo, "Thank you " + c, true, nil},
	}
	for _, s := range steps {
		time.Sleep(1100 * time.Millisecond) // distinct created_at, to the second
		s.who.must("PUT", fmt.Sprintf("/tickets/%d.json", orig), map[string]any{"ticket": map[string]any{
			"comment": map[string]any{"body": s.body, "public": s.public, "uploads": s.files}}})
	}
	before := commentList(t, tw.stdAdmin, orig)
	require.Len(t, before, 4)
	stdFiles := before[1]["attachments"].([]any)
	require.Len(t, stdFiles, 2)
	blobDir := filepath.Join(tw.std.DataDir, "blobs")
	require.GreaterOrEqual(t, countFiles(t, blobDir), 3, "both files and the PNG's thumbnail are stored")

	start := time.Now()
	tw.moveToPseudo(t, it, orig)
	e := tw.waitLinked(t, orig, c, 30*time.Second)
	t.Logf("escalated with 2 files (%d bytes) in %s", len(pdf)+len(img), time.Since(start))

	// On secure: the same comments, in order, as they were.
	sec := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	after := commentList(t, tw.secAdmin, e.secureID)
	require.Len(t, after, 4)
	for i := range before {
		require.Equal(t, before[i]["body"], after[i]["body"], "comment %d", i)
		require.Equal(t, before[i]["public"], after[i]["public"], "comment %d: public flag", i)
		require.Equal(t, before[i]["created_at"], after[i]["created_at"], "comment %d: time", i)
	}
	require.Equal(t, sec["requester_id"], after[0]["author_id"], "the requester's words are the requester's")
	require.Equal(t, sec["requester_id"], after[3]["author_id"])
	for _, i := range []int{1, 2} {
		u := tw.secAdmin.must("GET", fmt.Sprintf("/users/%v.json", after[i]["author_id"]), nil)["user"].(map[string]any)
		require.Equal(t, "standard: Ivy IT", u["name"], "an IT agent is shown by name, marked as standard's")
		require.Equal(t, "end-user", u["role"], "and has no rights on secure")
		require.True(t, strings.HasSuffix(u["email"].(string), "@standard.twindesk.invalid"), u["email"])
	}
	secFiles := after[1]["attachments"].([]any)
	require.Len(t, secFiles, 2)
	want := map[string]string{"payslip.pdf": sha(pdf), "scan.png": sha(img)}
	for _, f := range secFiles {
		f := f.(map[string]any)
		code, body := download(t, tw.secAdmin, f["content_url"].(string))
		require.Equal(t, http.StatusOK, code)
		require.Equal(t, want[f["file_name"].(string)], sha(body), "%s arrives byte for byte", f["file_name"])
	}

	// On standard: no file, no thumbnail, no URL that still answers.
	for _, f := range stdFiles {
		f := f.(map[string]any)
		code, _ := tw.stdAdmin.call("GET", fmt.Sprintf("/attachments/%v.json", f["id"]), nil)
		require.Equal(t, http.StatusNotFound, code)
		code, _ = download(t, tw.stdAdmin, f["content_url"].(string))
		require.Equal(t, http.StatusNotFound, code)
	}
	// An IT agent can't fetch a secure file by any URL: secure doesn't know
	// their credentials, and standard doesn't know secure's tokens.
	for _, f := range secFiles {
		url := f.(map[string]any)["content_url"].(string)
		code, _ := download(t, it, url)
		require.Contains(t, []int{http.StatusUnauthorized, http.StatusNotFound}, code, "IT agent at %s", url)
		code, _ = download(t, it, tw.std.URL+url[len(tw.sec.URL):])
		require.Equal(t, http.StatusNotFound, code, "the secure path on standard")
	}

	// A note added on the stub later carries a file: it reaches the secure
	// ticket, and standard deletes it (and its thumbnail) once delivered.
	noteC := canary(t, "NOTECANARY")
	note := canaryPNG(t, noteC)
	w = zc.UploadAttachment(tw.ctx, "late-scan.png", "")
	_, err = w.Write(note)
	require.NoError(t, err)
	noteUp, err := w.Close()
	require.NoError(t, err)
	it.must("PUT", fmt.Sprintf("/tickets/%d.json", e.stubID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Late scan from the employee", "public": false, "uploads": []string{noteUp.Token}}}})
	var secNote map[string]any
	eventually(t, "the note's file on the secure ticket", func() bool {
		list := commentList(t, tw.secAdmin, e.secureID)
		last := list[len(list)-1]
		if files, _ := last["attachments"].([]any); len(files) == 1 {
			secNote = files[0].(map[string]any)
			return true
		}
		return false
	})
	require.Equal(t, "late-scan.png", secNote["file_name"])
	code, body := download(t, tw.secAdmin, secNote["content_url"].(string))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, sha(note), sha(body), "the note's file arrives byte for byte")
	require.False(t, commentList(t, tw.secAdmin, e.secureID)[4]["public"].(bool), "the note stays private")
	eventually(t, "the note's file gone from the stub", func() bool {
		stub := commentList(t, tw.stdAdmin, e.stubID)
		files, _ := stub[len(stub)-1]["attachments"].([]any)
		return len(files) == 0 && countFiles(t, blobDir) == 0
	})
	code, _ = tw.stdAdmin.call("GET", fmt.Sprintf("/attachments/%d.json", noteUp.Attachment.ID), nil)
	require.Equal(t, http.StatusNotFound, code)

	tw.requireNoCanaryInAPI(t, e, c, pdfC, pngC, noteC)
	tw.stopStandardAndScan(t, c, pdfC, pngC, noteC)
	log, err := os.ReadFile(tw.std.dir + ".log")
	require.NoError(t, err)
	require.Contains(t, string(log), "delivered", "the log is the standard instance's")
	for _, x := range []string{c, pdfC, pngC, noteC, "payslip.pdf", "late-scan.png"} {
		require.NotContains(t, string(log), x, "standard's log")
	}
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	require.NoError(t, err)
	return n
}

package adversarial

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upload sends a file to /uploads and returns its token and attachment id.
func (a api) upload(t *testing.T, name, content string) (string, int64) {
	t.Helper()
	req, err := http.NewRequest("POST", a.base+"/api/v2/uploads.json?filename="+url.QueryEscape(name), strings.NewReader(content))
	require.NoError(t, err)
	req.SetBasicAuth(a.email+"/token", a.token)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := httpClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "upload: %s", raw)
	res := answer{code: resp.StatusCode, raw: raw}
	require.NoError(t, json.Unmarshal(raw, &res.obj))
	up := res.obj["upload"].(map[string]any)
	return up["token"].(string), idOf(up["attachment"])
}

// attachmentAfterEscalation: a file an IT agent attached to the ticket (a
// payslip) goes to secure byte for byte with the escalation and leaves
// standard: its download answers 404, no file of standard's data or its log
// holds its bytes, and the IT agent can't fetch secure's copy by any URL.
func attachmentAfterEscalation(t *testing.T, r *rig) {
	x := newTicketText()
	file := canary("payslip")
	content := "Net pay 4,200 " + file + "\n"
	var stdURL string
	orig := r.startEscalationWith(t, x, func(path string) {
		token, _ := r.itAgent.upload(t, "payslip.txt", content)
		r.itAgent.must(t, "PUT", path, map[string]any{"ticket": map[string]any{
			"comment": map[string]any{"body": "Payslip attached", "public": false, "uploads": []string{token}}}})
		require.NotEmpty(t, r.stdHolding(t, file), "the scan finds the attached file's bytes while the ticket exists")
		stdURL = r.attachmentsOf(t, r.stdAdmin, idFromPath(path))[0]["content_url"].(string)
	})
	e := escalated{orig: orig}
	r.waitLinked(t, &e, x.description, 30*time.Second)
	r.settle(t)
	r.assertGoneFromFiles(t, []string{file}, 30*time.Second)
	for _, a := range r.attachmentsOf(t, r.stdAdmin, e.stub) {
		assert.NotEqual(t, "payslip.txt", a["file_name"], "the stub carries the attachment")
	}
	assert.NotEqual(t, http.StatusOK, r.stdAdmin.get(t, stdURL).code, "standard still serves the file")
	onSecure := r.attachmentsOf(t, r.secAdmin, e.secure)
	require.Len(t, onSecure, 1, "the file reaches the secure ticket")
	secURL := onSecure[0]["content_url"].(string)
	got := r.secAdmin.get(t, secURL)
	require.Equal(t, http.StatusOK, got.code)
	assert.Equal(t, content, string(got.raw), "byte for byte")
	parsed, err := url.Parse(secURL)
	require.NoError(t, err)
	for _, u := range []string{secURL, r.std.URL() + parsed.RequestURI()} {
		res := r.itAgent.get(t, u)
		assert.Contains(t, []int{http.StatusUnauthorized, http.StatusNotFound}, res.code, "IT agent fetches %s", u)
		assert.NotContains(t, string(res.raw), file)
	}
	r.noteFlows(t, e)
}

// get fetches an absolute URL with a's credentials.
func (a api) get(t *testing.T, u string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	require.NoError(t, err)
	req.SetBasicAuth(a.email+"/token", a.token)
	resp, err := httpClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, raw: raw}
}

// idFromPath reads the ticket id of "/tickets/{id}.json".
func idFromPath(path string) int64 {
	var id int64
	_, _ = fmt.Sscanf(path, "/tickets/%d.json", &id)
	return id
}

// attachmentsOf lists the attachments on a ticket's comments.
func (r *rig) attachmentsOf(t *testing.T, a api, id int64) []map[string]any {
	var out []map[string]any
	for _, c := range a.must(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", id), nil)["comments"].([]any) {
		list, _ := c.(map[string]any)["attachments"].([]any)
		for _, x := range list {
			out = append(out, x.(map[string]any))
		}
	}
	return out
}

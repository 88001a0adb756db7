package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// nodeZendeskVersion is the node-zendesk release the test installs.
const nodeZendeskVersion = "6.0.1"

// nodeZendeskScript uploads two files under one token with
// client.attachments.upload, one given by path (its documented use) and one as
// a stream, creates a ticket whose comment takes the token,
// and prints what the server answered.
const nodeZendeskScript = `
const zendesk = require('node-zendesk');
const fs = require('fs');
const client = zendesk.createClient({username: process.env.ZD_EMAIL, token: process.env.ZD_TOKEN,
  endpointUri: process.env.ZD_URL + '/api/v2'});
const body = (r) => (r && r.result) ? r.result : r;
(async () => {
  const first = body(await client.attachments.upload(process.env.ZD_FILE, {filename: 'Lohnzettel März.pdf', binary: true}));
  const token = first.upload.token;
  await client.attachments.upload(require('stream').Readable.from([Buffer.from('second file\n')]), {filename: 'notes.txt', binary: false, token});
  const created = body(await client.tickets.create({ticket: {subject: 'from node-zendesk',
    comment: {body: 'two files', uploads: [token]}}}));
  const ticket = created.ticket || created; // node-zendesk unwraps the ticket object
  console.log(JSON.stringify({ticket_id: ticket.id, token}));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`

// TestNodeZendeskAttachmentUpload: node-zendesk's attachments.upload and
// tickets.create, unchanged, against a real instance over HTTP; the ticket's
// comment then holds both files with their names and the first with the same
// SHA-256. npm installs node-zendesk once into the user cache (.ci/run
// installs nodejs and npm).
func TestNodeZendeskAttachmentUpload(t *testing.T) {
	t.Parallel()
	dir := nodeZendesk(t)
	env := apitest.New(t, apitest.SQLite)
	pdf := make([]byte, 300<<10)
	_, err := rand.Read(pdf)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "payslip.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "-e", nodeZendeskScript)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ZD_URL="+env.URL, "ZD_EMAIL="+apitest.AdminEmail, "ZD_TOKEN="+env.AdminToken, "ZD_FILE="+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node script: %s", stderr.String())
	var res struct {
		TicketID int64  `json:"ticket_id"`
		Token    string `json:"token"`
	}
	require.NoError(t, json.Unmarshal(out, &res), "%s", out)

	var cs struct {
		Comments []struct {
			Attachments []struct {
				FileName   string `json:"file_name"`
				ContentURL string `json:"content_url"`
				Size       int64  `json:"size"`
			} `json:"attachments"`
		} `json:"comments"`
	}
	env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", res.TicketID), nil).Decode(t, &cs)
	require.Len(t, cs.Comments, 1)
	files := cs.Comments[0].Attachments
	require.Len(t, files, 2, "both uploads of the token are on the comment")
	require.Equal(t, "Lohnzettel März.pdf", files[0].FileName)
	require.Equal(t, "notes.txt", files[1].FileName)
	req, err := http.NewRequest("GET", files[0].ContentURL, nil)
	require.NoError(t, err)
	req.SetBasicAuth(apitest.AdminEmail+"/token", env.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, sha256.Sum256(pdf), sha256.Sum256(got), "the file node-zendesk sent, byte for byte")
}

// nodeZendesk returns a directory where require('node-zendesk') works,
// installing the pinned release with npm the first time. Without npm the test
// skips, except in CI, where .ci/run installs it and its absence is a failure.
func nodeZendesk(t *testing.T) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("npm is not installed; .ci/run installs nodejs and npm (apt)")
		}
		t.Skip("npm is not installed: install nodejs and npm to run node-zendesk against twindesk")
	}
	cache, err := os.UserCacheDir()
	require.NoError(t, err)
	dir := filepath.Join(cache, "twindesk-node-zendesk-"+nodeZendeskVersion)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "node-zendesk", "package.json")); err == nil {
		return dir
	}
	require.NoError(t, os.MkdirAll(cache, 0o755))
	tmp, err := os.MkdirTemp(cache, ".node-zendesk-*")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", tmp, "node-zendesk@"+nodeZendeskVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install node-zendesk@%s: %v: %s", nodeZendeskVersion, err, out)
	}
	// Renamed into place whole, so tests installing at once each see a complete tree.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "node-zendesk", "package.json")); statErr != nil {
			t.Fatal(err)
		}
		_ = os.RemoveAll(tmp)
	}
	return dir
}

//go:build processtests

package instance_test

import (
	"bytes"
	"database/sql"
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

	"github.com/twindesk/twindesk/internal/proctest"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestKilledScrubPaidAtRestart plays issue 16's "kill -9 while the scrub waits"
// with the real binary: a reader (a backup) holds a snapshot of standard's
// database from before a purge, so the purge's scrub can't empty the WAL, and the
// server is SIGKILLed while it waits. The purged text is then in the WAL. The
// server is started again while the reader still holds on; once it lets go, the
// restarted server's scrub loop pays the debt the purge recorded: the canary
// leaves every file of the data directory within seconds, with no other purge.
func TestKilledScrubPaidAtRestart(t *testing.T) {
	t.Parallel()
	bin := proctest.BuildBinary(t, t.TempDir())
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	store := []string{"--data", data, "--database-url="}
	const email = "admin@example.com"
	proctest.RunCLI(t, bin, proctest.ChildEnv(), append([]string{"admin", "create-user", "--email", email, "--name", "Admin", "--role", "admin"}, store...)...)
	out := strings.Split(strings.TrimSpace(proctest.RunCLI(t, bin, proctest.ChildEnv(), append([]string{"admin", "create-token", "--email", email}, store...)...)), "\n")
	token := out[len(out)-1]
	p := &proctest.Proc{Name: "standard", Bin: bin, Addr: proctest.FreeAddr(t), LogPath: filepath.Join(dir, "serve.log"), Args: store}
	require.NoError(t, p.Start())
	t.Cleanup(func() { p.Stop(10 * time.Second) })

	const canary = "killscrubcanary4417"
	call := func(method, path string, body any) (int, []byte) {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			require.NoError(t, err)
			r = bytes.NewReader(b)
		}
		req, err := http.NewRequest(method, p.URL()+"/api/v2"+path, r)
		require.NoError(t, err)
		req.SetBasicAuth(email+"/token", token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, b
	}
	create := func(subject, body string, tags ...string) int64 {
		status, b := call("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
			"subject": subject, "comment": map[string]any{"body": body}, "tags": tags}})
		require.Equal(t, http.StatusCreated, status, string(b))
		var res struct{ Ticket struct{ ID int64 } }
		require.NoError(t, json.Unmarshal(b, &res))
		return res.Ticket.ID
	}
	for range 10 {
		create("Printer", "The printer is jammed again")
	}
	id := create("Pay "+canary, "Salary "+canary+" for March", canary+"_tag")
	for range 10 {
		create("VPN", "VPN drops every hour")
	}

	release := holdSnapshot(t, data)
	status, b := call("DELETE", fmt.Sprintf("/tickets/%d.json", id), nil)
	require.Equal(t, http.StatusNoContent, status, string(b))
	status, b = call("DELETE", fmt.Sprintf("/deleted_tickets/%d.json", id), nil)
	require.Less(t, status, 300, string(b))
	p.Kill()
	require.True(t, fileContains(t, filepath.Join(data, sqlite.FileName+"-wal"), canary), "the kill leaves the purged text in the WAL")

	require.NoError(t, p.Start())
	// The restarted server's first scrub meets the reader, fails and says so;
	// hold the reader until it has (a fixed sleep was too short under load).
	require.Eventually(t, func() bool {
		logs, err := os.ReadFile(p.LogPath)
		return err == nil && strings.Contains(string(logs), "scrub owed since")
	}, 30*time.Second, 50*time.Millisecond, "the restarted server logs the scrub it owes while the reader holds the WAL")
	release()
	released := time.Now()
	require.Eventually(t, func() bool { return len(filesHolding(t, data, canary)) == 0 }, 15*time.Second, 100*time.Millisecond,
		"the restarted server pays the owed scrub")
	t.Logf("purged text gone from the data directory %v after the reader let go", time.Since(released).Round(time.Millisecond))
	logs, err := os.ReadFile(p.LogPath)
	require.NoError(t, err)
	require.NotContains(t, string(logs), canary, "no log line carries the purged text")
}

// holdSnapshot holds a read transaction on dir's database from its own
// connection, as sqlite3's .backup does, until release is called.
func holdSnapshot(t *testing.T, dir string) (release func()) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	require.NoError(t, err)
	tx, err := conn.Begin()
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n))
	done := false
	release = func() {
		if !done {
			done = true
			_ = tx.Rollback()
			_ = conn.Close()
		}
	}
	t.Cleanup(release)
	return release
}

func fileContains(t *testing.T, path, needle string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false
	}
	require.NoError(t, err)
	return bytes.Contains(b, []byte(needle))
}

// filesHolding lists the files of dir that contain needle.
func filesHolding(t *testing.T, dir, needle string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		if !e.IsDir() && fileContains(t, filepath.Join(dir, e.Name()), needle) {
			out = append(out, e.Name())
		}
	}
	return out
}

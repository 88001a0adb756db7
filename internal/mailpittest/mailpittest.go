// Package mailpittest runs a real SMTP sink for tests: Mailpit
// (github.com/axllent/mailpit), started as a process on loopback ports with a
// throwaway database, and read back over its HTTP API. The binary is taken from
// TWINDESK_MAILPIT, else from PATH, else built once with `go install` into the
// user cache (.ci/run installs it first). A test that can't get one fails: it
// never skips.
package mailpittest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// Version is the Mailpit release the tests use.
const Version = "v1.33.1"

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of a mailpit executable.
func Binary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("TWINDESK_MAILPIT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	buildOnce.Do(func() { buildPath, buildErr = build() })
	if buildErr != nil {
		tb.Fatalf("mailpit: %v (install it with: go install github.com/axllent/mailpit@%s, or set TWINDESK_MAILPIT)", buildErr, Version)
	}
	return buildPath
}

// build installs Mailpit into the user cache once per machine. It installs into
// a fresh directory and renames it into place, so test packages building at the
// same time each end with a whole binary.
func build() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "twindesk-mailpit-"+Version)
	bin := filepath.Join(dir, "mailpit")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, ".mailpit-build-*")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "install", "github.com/axllent/mailpit@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install: %w: %s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(bin); statErr == nil {
			return bin, nil // another process won the race
		}
		return "", err
	}
	return bin, nil
}

// Sink is a running Mailpit.
type Sink struct {
	tb       testing.TB
	bin      string
	dbFile   string
	SMTPAddr string // host:port of its SMTP server
	HTTPAddr string // host:port of its API
	args     []string
	cmd      *exec.Cmd
}

// Start runs Mailpit, accepting any SMTP login (PLAIN or LOGIN, also without
// TLS unless extra requires TLS), plus extra arguments (a TLS certificate, say); it is stopped when the
// test ends.
func Start(tb testing.TB, extra ...string) *Sink {
	tb.Helper()
	s := &Sink{tb: tb, bin: Binary(tb), dbFile: filepath.Join(tb.TempDir(), "mailpit.db"),
		SMTPAddr: freeAddr(tb), HTTPAddr: freeAddr(tb)}
	s.args = []string{"--smtp", s.SMTPAddr, "--listen", s.HTTPAddr, "--database", s.dbFile,
		"--smtp-auth-accept-any", "--smtp-disable-rdns", "--max", "100000", "--quiet"}
	if !slices.Contains(extra, "--smtp-require-starttls") && !slices.Contains(extra, "--smtp-require-tls") {
		// Mailpit refuses to start with both: insecure logins only without TLS.
		s.args = append(s.args, "--smtp-auth-allow-insecure")
	}
	s.args = append(s.args, extra...)
	s.Up()
	tb.Cleanup(s.Down)
	return s
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Up starts the process (again, on the same ports and database after Down) and
// waits until its API answers.
func (s *Sink) Up() {
	s.tb.Helper()
	s.cmd = exec.Command(s.bin, s.args...)
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatalf("mailpit: start: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + s.HTTPAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if c, err := net.DialTimeout("tcp", s.SMTPAddr, time.Second); err == nil {
				c.Close()
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.tb.Fatalf("mailpit did not come up on %s / %s", s.SMTPAddr, s.HTTPAddr)
}

// Down stops the process: the relay is then unreachable, as in an outage.
func (s *Sink) Down() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Summary is a message in the list.
type Summary struct {
	ID        string
	MessageID string
	Subject   string
	From      Address
	To        []Address
}

// Address is a name and address as Mailpit decodes them.
type Address struct {
	Name    string
	Address string
}

// Message is one message's decoded content.
type Message struct {
	ID        string
	MessageID string
	Subject   string
	From      Address
	To        []Address
	ReplyTo   []Address
	Text      string
	HTML      string
	// Attachments are the files as Mailpit decodes them (its own MIME parser,
	// so a name it reads right is encoded as mail clients expect).
	Attachments []File
	// Inline are the inline parts with a Content-ID (cid: images).
	Inline []File
}

// File is an attachment part of a received message; Part fetches its bytes.
type File struct {
	PartID      string
	FileName    string
	ContentType string
	ContentID   string
	Size        int64
}

func (s *Sink) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.HTTPAddr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit: GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// Messages lists what the sink received, newest first.
func (s *Sink) Messages() []Summary {
	s.tb.Helper()
	var out struct{ Messages []Summary }
	if err := s.get(context.Background(), "/api/v1/messages?limit=100000", &out); err != nil {
		s.tb.Fatal(err)
	}
	return out.Messages
}

// Message returns one message's content.
func (s *Sink) Message(id string) Message {
	s.tb.Helper()
	var m Message
	if err := s.get(context.Background(), "/api/v1/message/"+id, &m); err != nil {
		s.tb.Fatal(err)
	}
	return m
}

// Part returns the decoded bytes of one part of a message (File.PartID).
func (s *Sink) Part(id, partID string) []byte {
	s.tb.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+s.HTTPAddr+"/api/v1/message/"+id+"/part/"+partID, nil)
	if err != nil {
		s.tb.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		s.tb.Fatalf("mailpit: part %s of %s: %s %v", partID, id, resp.Status, err)
	}
	return body
}

// Headers returns one message's headers as received.
func (s *Sink) Headers(id string) map[string][]string {
	s.tb.Helper()
	var h map[string][]string
	if err := s.get(context.Background(), "/api/v1/message/"+id+"/headers", &h); err != nil {
		s.tb.Fatal(err)
	}
	return h
}

// WaitFor waits until the sink holds at least n messages and returns them.
func (s *Sink) WaitFor(n int, timeout time.Duration) []Summary {
	s.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := s.Messages()
		if len(ms) >= n || time.Now().After(deadline) {
			if len(ms) < n {
				s.tb.Fatalf("mailpit: %d messages after %s, want %d", len(ms), timeout, n)
			}
			return ms
		}
		time.Sleep(50 * time.Millisecond)
	}
}

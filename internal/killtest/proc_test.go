package killtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildBinary compiles cmd/twindesk once into dir: the test drives the real
// binary, as an operator would.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the kill test builds cmd/twindesk and needs the go command on PATH")
	bin := filepath.Join(dir, "twindesk")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/twindesk/twindesk/cmd/twindesk")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build cmd/twindesk:\n%s", out)
	return bin
}

// childEnv is the environment of every twindesk process the test starts: the
// test's own, without TWINDESK_* variables, which would override the flags given.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TWINDESK_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// freeAddr returns a loopback address nothing listens on. Each instance keeps its
// address across restarts, as a real deployment does.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// proc is one `twindesk serve` process that can be killed and started again on the
// same address and data.
type proc struct {
	name    string
	bin     string
	addr    string
	args    []string // serve flags
	logPath string   // stdout and stderr of every run, appended

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

func (p *proc) url() string { return "http://" + p.addr }

// start runs the process and waits until /healthz answers.
func (p *proc) start() error {
	var err error
	// While the process was down, its port may have served as the source port of
	// some other connection on this machine: keep trying for a while.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if err = p.startOnce(); err == nil {
			return nil
		}
	}
	return err
}

func (p *proc) startOnce() error {
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.bin, append([]string{"serve", "--addr", p.addr}, p.args...)...)
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.starts++
	p.mu.Unlock()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("%s exited while starting (%v); see %s", p.name, cmd.ProcessState, p.logPath)
		default:
		}
		if resp, err := http.Get(p.url() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.kill()
	return fmt.Errorf("%s did not answer /healthz within 60s; see %s", p.name, p.logPath)
}

// kill sends SIGKILL to the running process and waits for it to be gone.
func (p *proc) kill() {
	p.signal(syscall.SIGKILL, 0)
}

// stop asks the process to stop gracefully (SIGTERM) and kills it if it has not
// stopped within limit. It reports whether the stop was graceful.
func (p *proc) stop(limit time.Duration) bool {
	return p.signal(syscall.SIGTERM, limit)
}

func (p *proc) signal(sig syscall.Signal, limit time.Duration) bool {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return true
	}
	select {
	case <-exited:
		return true
	default:
	}
	_ = cmd.Process.Signal(sig)
	if sig == syscall.SIGKILL {
		<-exited
		return false
	}
	select {
	case <-exited:
		return cmd.ProcessState.Success()
	case <-time.After(limit):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		return false
	}
}

// runCLI runs a twindesk command to completion and returns its standard output.
// A command still running after two minutes is hung: it gets SIGQUIT, so its
// goroutine dump lands in the failure message.
func runCLI(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "twindesk %s:\n%s%s", strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String()
}

// client is a JSON client for one user of one instance. Its methods return errors
// instead of failing the test, so the driver and killer goroutines can use them.
type client struct {
	base  string
	email string
	token string
	http  *http.Client
}

func newClient(base, email, token string) *client {
	return &client{base: base, email: email, token: token, http: &http.Client{Timeout: 15 * time.Second}}
}

// call sends one request; code is 0 when no answer came (connection refused or
// reset: the instance is down).
func (c *client) call(ctx context.Context, method, path string, in any, header map[string]string) (int, map[string]any, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v2"+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.SetBasicAuth(c.email+"/token", c.token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, nil
}

// errGiveUp ends a retry loop: the answer was final and not the one wanted.
var errGiveUp = errors.New("unexpected answer")

// retry repeats a request while the instance is down or answers 5xx/429, until
// done accepts the status code or limit passes. Requests that create must carry an
// Idempotency-Key, since an attempt cut off by a kill may have committed.
func (c *client) retry(ctx context.Context, limit time.Duration, method, path string, in any, header map[string]string, done func(int) bool) (int, map[string]any, error) {
	deadline := time.Now().Add(limit)
	var lastErr error
	for time.Now().Before(deadline) {
		code, out, err := c.call(ctx, method, path, in, header)
		switch {
		case err == nil && done(code):
			return code, out, nil
		case err == nil && code != http.StatusTooManyRequests && code < 500:
			return code, out, fmt.Errorf("%s %s: %w %d %v", method, path, errGiveUp, code, out)
		case err != nil:
			lastErr = err
		default:
			lastErr = fmt.Errorf("%s %s: %d %v", method, path, code, out)
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return 0, nil, fmt.Errorf("%s %s: no success within %s: %v", method, path, limit, lastErr)
}

// must is a request from the test goroutine that must succeed first time.
func (c *client) must(t *testing.T, method, path string, in any) map[string]any {
	t.Helper()
	code, out, err := c.retry(context.Background(), time.Minute, method, path, in, nil, func(code int) bool { return code/100 == 2 })
	require.NoError(t, err)
	require.Truef(t, code/100 == 2, "%s %s: %d %v", method, path, code, out)
	return out
}

// tickets lists every ticket of the instance, following cursor pagination.
func (c *client) tickets(ctx context.Context) ([]map[string]any, error) {
	var all []map[string]any
	path := "/tickets.json?page[size]=100"
	for {
		code, out, err := c.call(ctx, "GET", path, nil, nil)
		if err != nil {
			return nil, err
		}
		if code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %v", path, code, out)
		}
		list, _ := out["tickets"].([]any)
		for _, x := range list {
			all = append(all, x.(map[string]any))
		}
		meta, _ := out["meta"].(map[string]any)
		after, _ := meta["after_cursor"].(string)
		if more, _ := meta["has_more"].(bool); !more || after == "" {
			return all, nil
		}
		path = "/tickets.json?page[size]=100&page[after]=" + after
	}
}

// idOf finds the id of the item of list key at path whose attr equals want.
func (c *client) idOf(t *testing.T, path, key, attr, want string) int64 {
	t.Helper()
	out := c.must(t, "GET", path, nil)
	for _, x := range out[key].([]any) {
		if m := x.(map[string]any); m[attr] == want {
			return int64(m["id"].(float64))
		}
	}
	t.Fatalf("%s: no %s with %s %q", path, key, attr, want)
	return 0
}

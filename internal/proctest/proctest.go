// Package proctest runs the real twindesk binary in tests that need whole
// processes: build it once, start `twindesk serve` nodes on loopback addresses,
// SIGKILL or stop them, and run CLI commands. The kill test and the scale-out test
// share it.
package proctest

import (
	"bytes"
	"context"
	"fmt"
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

// BuildBinary compiles cmd/twindesk into dir: the tests drive the real binary,
// as an operator would.
func BuildBinary(t testing.TB, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "this test builds cmd/twindesk and needs the go command on PATH")
	bin := filepath.Join(dir, "twindesk")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/twindesk/twindesk/cmd/twindesk").CombinedOutput()
	require.NoError(t, err, "go build cmd/twindesk:\n%s", out)
	return bin
}

// ChildEnv is the environment of every twindesk process a test starts: the
// test's own, without TWINDESK_* variables, which would override the flags given,
// plus extra.
func ChildEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TWINDESK_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// FreeAddr returns a loopback address nothing listens on. A node keeps its
// address across restarts, as a real deployment does.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// RunCLI runs a twindesk command to completion with env and returns its standard
// output. A command still running after two minutes is hung: it gets SIGQUIT, so
// its goroutine dump lands in the failure message.
func RunCLI(t testing.TB, bin string, env []string, args ...string) string {
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

// Proc is one `twindesk serve` process that can be killed and started again on
// the same address and data.
type Proc struct {
	Name    string
	Bin     string
	Addr    string
	Args    []string // serve flags after --addr
	LogPath string   // stdout and stderr of every run, appended

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// URL is the node's base URL.
func (p *Proc) URL() string { return "http://" + p.Addr }

// Start runs the process and waits until /healthz answers. While the process was
// down its port may have served as the source port of another connection on
// this machine, so a failed start is tried again for a while.
func (p *Proc) Start() error {
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if err = p.startOnce(); err == nil {
			return nil
		}
	}
	return err
}

func (p *Proc) startOnce() error {
	logf, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log of %s: %w", p.Name, err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.Bin, append([]string{"serve", "--addr", p.Addr}, p.Args...)...)
	cmd.Env = ChildEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.mu.Unlock()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			return fmt.Errorf("%s exited while starting (%v); see %s", p.Name, cmd.ProcessState, p.LogPath)
		default:
		}
		if resp, err := http.Get(p.URL() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	p.Kill()
	return fmt.Errorf("%s did not answer /healthz within 60s; see %s", p.Name, p.LogPath)
}

// Kill sends SIGKILL to the running process and waits for it to be gone.
func (p *Proc) Kill() {
	p.signal(syscall.SIGKILL, 0)
}

// Stop asks the process to stop gracefully (SIGTERM) and kills it if it has not
// stopped within limit. It reports whether the stop was graceful.
func (p *Proc) Stop(limit time.Duration) bool {
	return p.signal(syscall.SIGTERM, limit)
}

func (p *Proc) signal(sig syscall.Signal, limit time.Duration) bool {
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

package scaleout

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

// The helpers below are a trimmed copy of internal/killtest's: test files cannot
// be imported, and this test needs only start and SIGKILL.

// buildBinary compiles cmd/twindesk once into dir: the test drives the real
// binary, as an operator would.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the scale-out test builds cmd/twindesk and needs the go command on PATH")
	bin := filepath.Join(dir, "twindesk")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/twindesk/twindesk/cmd/twindesk").CombinedOutput()
	require.NoError(t, err, "go build cmd/twindesk:\n%s", out)
	return bin
}

// childEnv is the environment of every twindesk process the test starts: the
// test's own without TWINDESK_* variables, which would override the flags given.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TWINDESK_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddr returns a loopback address nothing listens on. A node keeps its
// address across restarts, as behind a real load balancer.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// runCLI runs a twindesk command to completion and returns its standard output.
func runCLI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "twindesk %s:\n%s%s", strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String()
}

// proc is one `twindesk serve` process that can be SIGKILLed and started again on
// the same address.
type proc struct {
	name    string
	bin     string
	addr    string
	args    []string // serve flags after --addr
	logPath string   // stdout and stderr of every run, appended

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

func (p *proc) url() string { return "http://" + p.addr }

// start runs the process and waits until /healthz answers. While the process was
// down its port may have served as the source port of another connection on this
// machine, so a failed start is tried again for a while.
func (p *proc) start() error {
	var err error
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
		return fmt.Errorf("open log of %s: %w", p.name, err)
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
	p.mu.Unlock()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
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
	}
	p.kill()
	return fmt.Errorf("%s did not answer /healthz within 60s; see %s", p.name, p.logPath)
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/pgtest"
)

// syncBuffer is a bytes.Buffer safe to write from the server while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestBootstrapAndServe follows the README: create an admin, start the server,
// issue a token while it runs (the token is the last line printed), and use it.
func TestBootstrapAndServe(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			store := []string{"--data", t.TempDir(), "--database-url="}
			if backend == "postgres" {
				store = []string{"--database-url", pgtest.URL(t)}
			}
			ctx := context.Background()
			var out bytes.Buffer
			require.NoError(t, run(ctx, append([]string{"admin", "create-user", "--email", "admin@example.com", "--name", "Admin", "--role", "admin"}, store...), nil, &out, io.Discard))
			require.Contains(t, out.String(), "created admin admin@example.com")

			serveCtx, stop := context.WithCancel(ctx)
			logs := &syncBuffer{}
			done := make(chan error, 1)
			go func() {
				done <- run(serveCtx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "info"}, store...), nil, io.Discard, logs)
			}()
			t.Cleanup(func() {
				stop()
				require.NoError(t, <-done, "serve stops cleanly on cancel")
				require.Contains(t, logs.String(), "twindesk stopped")
			})
			addr := waitForAddr(t, logs, done)

			out.Reset()
			require.NoError(t, run(ctx, append([]string{"admin", "create-token", "--email", "admin@example.com"}, store...), nil, &out, io.Discard))
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			token := lines[len(lines)-1]
			require.Len(t, token, 43, "the token is alone on the last line")

			req, _ := http.NewRequest("GET", "http://"+addr+"/api/v2/users/me.json", nil)
			req.SetBasicAuth("admin@example.com/token", token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var me struct{ User struct{ Email, Role string } }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&me))
			require.Equal(t, "admin@example.com", me.User.Email)
			require.Equal(t, "admin", me.User.Role)

			health, err := http.Get("http://" + addr + "/healthz")
			require.NoError(t, err)
			health.Body.Close()
			require.Equal(t, http.StatusOK, health.StatusCode)
		})
	}
}

// waitForAddr reads the listen address from the "twindesk serving" log line.
func waitForAddr(t *testing.T, logs *syncBuffer, done chan error) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "twindesk serving" {
				return entry.Addr
			}
		}
		select {
		case err := <-done:
			done <- err // for the cleanup, which waits for serve to return
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start in 30s:\n%s", logs.String())
	return ""
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	require.ErrorContains(t, run(context.Background(), []string{"frobnicate"}, nil, io.Discard, &stderr), `unknown command "frobnicate"`)
	require.Contains(t, stderr.String(), "Usage:")
	require.Error(t, run(context.Background(), []string{"admin", "create-token"}, nil, io.Discard, io.Discard), "--email is required")
}

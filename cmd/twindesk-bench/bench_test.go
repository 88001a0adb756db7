package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/seed"
)

// TestBenchCommands runs each bench mode briefly through the command line.
func TestBenchCommands(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, err := seed.Run(t.Context(), env.Instance.DB, seed.Config{Tickets: 80, Agents: 3}, nil)
	require.NoError(t, err)
	creds := []string{"--url", env.URL + "," + env.URL, "--email", apitest.AdminEmail, "--token", env.AdminToken}
	bench := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		require.NoError(t, benchCmd(context.Background(), args, &out, &errOut), errOut.String())
		return out.String()
	}
	out := bench(append([]string{"create", "--duration", "300ms", "--warmup", "0s", "--concurrency", "2", "--triggers", "3"}, creds...)...)
	require.Contains(t, out, "2 node(s)")
	require.Regexp(t, `create\s+\d+\s+0\s`, out)

	out = bench(append([]string{"mix", "--rate", "60", "--duration", "300ms", "--warmup", "0s", "--prepare", "3"}, creds...)...)
	require.Regexp(t, `search\s+\d+\s+0\s`, out)

	dir := t.TempDir()
	sweep, svg, chart := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.svg"), filepath.Join(dir, "c.svg")
	out = bench(append([]string{"mix", "--sweep", "30,60", "--duration", "300ms", "--warmup", "0s", "--pause", "10ms",
		"--prepare", "3", "--json", sweep, "--svg", svg}, creds...)...)
	require.Contains(t, out, "| offered req/s |")
	bench("chart", "--svg", chart, "--title", "t", "SQLite="+sweep, "again="+sweep)
	for _, f := range []string{svg, chart} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Contains(t, string(b), "<polyline")
	}

	var errOut bytes.Buffer
	err = benchCmd(context.Background(), []string{"mix", "--mix", "1/2"}, io.Discard, &errOut)
	require.ErrorContains(t, err, "read/update/search")
	err = benchCmd(context.Background(), []string{"nope"}, io.Discard, &errOut)
	require.ErrorContains(t, err, "unknown mode")
}

package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSeedCommand runs twindesk seed on SQLite and checks its summary.
func TestSeedCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"seed", "--data", t.TempDir(), "--database-url=", "--tickets", "60", "--agents", "4"}, nil, &out, &errOut)
	require.NoError(t, err, errOut.String())
	require.Contains(t, out.String(), "seeded 60 tickets")
	require.Contains(t, errOut.String(), "60/60 tickets")
	err = run(context.Background(), []string{"seed", "--data", t.TempDir(), "--database-url="}, nil, &out, &errOut)
	require.ErrorContains(t, err, "--tickets")
}

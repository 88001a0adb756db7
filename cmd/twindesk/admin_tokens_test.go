package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAdminListAndRevokeTokens: list-tokens shows ids and owners, never a token;
// revoke-token removes one.
func TestAdminListAndRevokeTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := []string{"--data", t.TempDir(), "--database-url="}
	admin := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(append([]string{"admin"}, args...), store...), nil, &out, io.Discard)
		return out.String(), err
	}
	_, err := admin("create-user", "--email", "admin@example.com", "--name", "Admin", "--role", "admin")
	require.NoError(t, err)
	var tokens []string
	for range 2 {
		out, err := admin("create-token", "--email", "admin@example.com")
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		tokens = append(tokens, lines[len(lines)-1])
	}
	out, err := admin("list-tokens")
	require.NoError(t, err)
	require.Contains(t, out, "1\tadmin@example.com\t")
	require.Contains(t, out, "2\tadmin@example.com\t")
	for _, tk := range tokens {
		require.NotContains(t, out, tk)
	}

	out, err = admin("revoke-token", "--id", "1")
	require.NoError(t, err)
	require.Contains(t, out, "revoked token 1")
	out, err = admin("list-tokens", "--email", "admin@example.com")
	require.NoError(t, err)
	require.NotContains(t, out, "1\tadmin@example.com")
	require.Contains(t, out, "2\tadmin@example.com")
	_, err = admin("revoke-token", "--id", "1")
	require.ErrorContains(t, err, "not found")
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestImportCommand runs `twindesk import zendesk` between two instances: the
// flags and TWINDESK_* variables reach the importer, progress goes to stderr,
// the report to stdout; a second run carries nothing.
func TestImportCommand(t *testing.T) {
	src := apitest.New(t, apitest.SQLite)
	dst := apitest.New(t, apitest.SQLite)
	res := src.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Hello",
		"comment": map[string]any{"body": "First"}}})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	time.Sleep(2 * time.Second) // the export leaves out the last second
	t.Setenv("TWINDESK_TOKEN", src.AdminToken)
	t.Setenv("TWINDESK_TARGET_TOKEN", dst.AdminToken)
	args := []string{"import", "zendesk", "--url", src.URL, "--email", apitest.AdminEmail,
		"--target-url", dst.URL, "--target-email", apitest.AdminEmail}
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), args, nil, &out, &errOut), errOut.String())
	require.Contains(t, errOut.String(), "import: tickets...")
	require.Contains(t, out.String(), "ticket         created 1, updated 0, unchanged 0")
	require.Contains(t, out.String(), "everything was carried over")

	out.Reset()
	require.NoError(t, run(context.Background(), args, nil, &out, &errOut))
	require.Contains(t, out.String(), "ticket         created 0, updated 0, unchanged 1")

	t.Setenv("TWINDESK_TARGET_TOKEN", "wrong")
	err := run(context.Background(), args, nil, &out, &errOut)
	require.ErrorContains(t, err, "401")
	require.ErrorContains(t, err, "run the same command again to resume")
}

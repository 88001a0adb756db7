package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestBackgroundCheckpoint: a commit reaches the database file itself soon after,
// copied by the background checkpointer, long before the writer's own checkpoint
// (thousands of pages away) would copy it.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	require.NoError(t, err)
	defer db.Close()
	const canary = "checkpoint-canary-5be1f0"
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
		now := time.Now()
		_, err := tx.CreateGroup(ctx, model.Group{Name: canary, CreatedAt: now, UpdatedAt: now})
		return err
	}))
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(filepath.Join(dir, sqlite.FileName))
		return err == nil && bytes.Contains(data, []byte(canary))
	}, 5*time.Second, 20*time.Millisecond, "the commit never left the WAL")
}

package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
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
	db := open(t, dir)
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

// TestScrubTruncatesWALBesideCheckpoints: the after-purge checkpoint empties the
// WAL even while other checkpoints keep taking SQLite's checkpoint lock (which
// makes a single attempt answer "busy" and leave the WAL as it was).
func TestScrubTruncatesWALBesideCheckpoints(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := open(t, dir)
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	require.NoError(t, err)
	defer other.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				_, _ = other.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	})
	defer func() { close(stop); wg.Wait() }()
	for round := range 20 {
		for i := range 20 {
			require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
				now := time.Now()
				_, err := tx.CreateGroup(ctx, model.Group{Name: fmt.Sprintf("g%d-%d", round, i), CreatedAt: now, UpdatedAt: now})
				return err
			}))
		}
		require.NoError(t, db.Scrub(ctx))
		info, err := os.Stat(filepath.Join(dir, sqlite.FileName+"-wal"))
		require.NoError(t, err)
		require.Zero(t, info.Size(), "round %d: the WAL was not truncated", round)
	}
}

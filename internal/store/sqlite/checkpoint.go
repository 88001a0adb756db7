package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// writerCheckpointPages is the writer's wal_autocheckpoint: the commit that takes
// the WAL past this many pages checkpoints it on the writer. Only a writer that
// finds the whole WAL copied into the database can start it over, so the writer
// still has to do this; the background checkpointer has copied all but the last
// few milliseconds of frames by then.
const writerCheckpointPages = 4000

// checkpointPause is the least time between two background checkpoints, so each
// one copies many commits' frames, and a page written by several commits once.
const checkpointPause = 20 * time.Millisecond

// checkpointer copies committed pages from the WAL into the database file on its
// own connection, beside the single writer. SQLite would otherwise do all of it
// inside the commit that crosses wal_autocheckpoint, and that commit's two fsyncs
// of up to 4 MB each stalled every request of its batch: 167 commits of 5-120 ms
// took 21% of the writer's time in a create benchmark.
func checkpointer(conn *sql.DB) func(ctx context.Context, commits <-chan struct{}) {
	return func(ctx context.Context, commits <-chan struct{}) {
		defer conn.Close()
		pause := time.NewTimer(0)
		for {
			select {
			case <-ctx.Done():
				return
			case <-commits:
			}
			// A failed checkpoint leaves its frames to the next one, or to the
			// writer's own: there is nothing else to do with the error.
			_ = checkpointPassive(ctx, conn)
			pause.Reset(checkpointPause)
			select {
			case <-ctx.Done():
				return
			case <-pause.C:
			}
		}
	}
}

// checkpointPassive copies what it can without waiting for readers or the writer.
func checkpointPassive(ctx context.Context, conn *sql.DB) error {
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("sqlite: checkpoint: %w", err)
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
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

// scrubBusyTimeout is how long one TRUNCATE checkpoint waits for readers and
// the writer before it answers "busy"; scrubWait is how long truncateWAL keeps
// trying. Past it, the scrub fails and stays owed: desk retries it later, so a
// reader held for minutes (sqlite3's .backup, a stuck export) costs writers at
// most scrubBusyTimeout per try, not a stall for as long as it reads.
const (
	scrubBusyTimeout = 100 * time.Millisecond
	scrubWait        = 2 * time.Second
	scrubPause       = 20 * time.Millisecond
)

// errWALInUse says why a scrub failed while a reader holds an old snapshot.
var errWALInUse = errors.New("sqlite: the WAL is still read by another connection (a long read transaction or a backup), so it can't be emptied yet")

// truncateWAL checkpoints the whole WAL and truncates it to zero bytes, the only
// state in which no old page image (a purged ticket's text) is left in it. SQLite
// answers "busy" in the checkpoint's first column, not as an error, when a reader
// still uses the WAL, the writer is in a transaction or another checkpoint holds
// the lock: then the WAL is left as it was, and it tries again for up to
// scrubWait, pausing between tries so writers get the lock meanwhile.
func truncateWAL(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, scrubWait)
	defer cancel()
	for {
		var busy, logPages, copied int
		err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &copied)
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("%w: %w", errWALInUse, ctx.Err()) // the last try was still waiting
		}
		if err != nil {
			return fmt.Errorf("sqlite: checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", errWALInUse, ctx.Err())
		case <-time.After(scrubPause):
		}
	}
}

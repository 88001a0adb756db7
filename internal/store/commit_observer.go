package store

import "time"

// CommitObserver hears each write commit: how many callers's transactions it
// carried (more than one when group commit batched them, SQLite) and how long
// it took from its begin to the end of its commit.
type CommitObserver interface {
	ObserveCommit(callers int, took time.Duration)
}

// ObserveCommits sets the observer of commits. Call it once, right after Open,
// before any write.
func (db *DB) ObserveCommits(o CommitObserver) { db.commitObserver = o }

func (db *DB) observeCommit(callers int, began time.Time) {
	if db.commitObserver != nil {
		db.commitObserver.ObserveCommit(callers, time.Since(began))
	}
}

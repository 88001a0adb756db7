package store

import (
	"context"
	"fmt"
	"time"
)

// ScrubDebt is what the database owes in scrubs: purges committed whose freed
// pages, WAL frames or index entries may still hold their text.
type ScrubDebt struct {
	// Count is the number of purges waiting for a scrub (rows of scrubs_owed).
	Count int64
	// Since is when the oldest of them committed; zero when Count is 0.
	Since time.Time
	// Attempts is how many scrubs have failed since then.
	Attempts int64
	// LastError is the last failed scrub's error, "" if none failed yet.
	LastError string
}

// OweScrub records, in the purge's own transaction, that a scrub is owed: a crash
// or a failed scrub after the commit can't forget it. The row holds no ticket id.
func (q *Queries) OweScrub(ctx context.Context, at time.Time) error {
	return q.exec(ctx, "owe scrub", false, `INSERT INTO scrubs_owed (owed_at) VALUES ($1)`, ts(at))
}

// ScrubDebt returns what is owed.
func (db *DB) ScrubDebt(ctx context.Context) (ScrubDebt, error) {
	var d ScrubDebt
	var since, attempts *int64
	var lastErr *string
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), MIN(owed_at), MAX(attempts),
		(SELECT last_error FROM scrubs_owed ORDER BY id LIMIT 1) FROM scrubs_owed`).Scan(&d.Count, &since, &attempts, &lastErr)
	if err != nil {
		return ScrubDebt{}, fmt.Errorf("store: scrub debt: %w", err)
	}
	if since != nil {
		d.Since = fromTS(*since)
	}
	if attempts != nil {
		d.Attempts = *attempts
	}
	if lastErr != nil {
		d.LastError = *lastErr
	}
	return d, nil
}

// Scrub runs the dialect's after-purge step and settles the debt: on success the
// scrubs owed by purges committed before it started are cleared; on failure they
// count one more attempt and keep the error. Which rows it covers is read before
// the step starts, so a purge committed during the step stays owed.
func (db *DB) Scrub(ctx context.Context) error {
	var upTo int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM scrubs_owed`).Scan(&upTo); err != nil {
		return fmt.Errorf("store: scrubs owed: %w", err)
	}
	var err error
	if db.dialect.AfterPurge != nil {
		err = db.dialect.AfterPurge(ctx, db.write)
	}
	if upTo == 0 {
		return err
	}
	settle := func(tx *Tx) error {
		if err != nil {
			return tx.exec(ctx, "scrub failed", false, `UPDATE scrubs_owed SET attempts = attempts + 1, last_error = $1
				WHERE id <= $2`, err.Error(), upTo)
		}
		return tx.exec(ctx, "scrub done", false, `DELETE FROM scrubs_owed WHERE id <= $1`, upTo)
	}
	if serr := db.WriteTx(ctx, settle); serr != nil {
		return fmt.Errorf("store: settle scrubs owed: %w", serr)
	}
	return err
}

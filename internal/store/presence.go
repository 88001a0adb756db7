package store

import (
	"context"
	"fmt"
	"time"
)

// SeeTicket records that userID has ticket ticketID open at now and returns the
// names of the other users who polled it since now-ttl, sorted. It forgets
// polls older than that on the way. PostgreSQL only: on SQLite, one node keeps
// presence in memory (internal/web/presence.go) rather than spend a write on
// the single writer for every poll.
func (db *DB) SeeTicket(ctx context.Context, ticketID, userID int64, now time.Time, ttl time.Duration) ([]string, error) {
	cutoff := now.Add(-ttl).UnixMilli()
	// One statement: the DELETE and the upsert run in the same snapshot as the
	// SELECT, which filters by cutoff itself and leaves out the poller.
	rows, err := db.write.QueryContext(ctx, `
WITH gone AS (DELETE FROM ticket_presence WHERE seen_at < $3),
     me AS (INSERT INTO ticket_presence (ticket_id, user_id, seen_at) VALUES ($1, $2, $4)
            ON CONFLICT (ticket_id, user_id) DO UPDATE SET seen_at = EXCLUDED.seen_at)
SELECT u.name FROM ticket_presence p JOIN users u ON u.id = p.user_id
WHERE p.ticket_id = $1 AND p.user_id <> $2 AND p.seen_at >= $3
ORDER BY u.name`, ticketID, userID, cutoff, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: see ticket %d: %w", ticketID, err)
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: see ticket %d: %w", ticketID, err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: see ticket %d: %w", ticketID, err)
	}
	return names, nil
}

// SharedPresence says whether SeeTicket is available: several nodes may share
// this database.
func (db *DB) SharedPresence() bool { return db.dialect.Name == "postgres" }

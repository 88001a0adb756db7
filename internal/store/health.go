package store

import (
	"context"
	"fmt"
)

// Ping checks that both pools reach the database.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: writes: %w", err)
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: reads: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// TestStatementCacheMakesRoomForNewStatements: a burst of one-off statements
// (searches build their SQL) used to fill the cache for good, after which no
// statement seen for the first time was ever prepared again. Now the least
// recently used one is closed to make room, and statements evicted while
// other goroutines run them keep working.
func TestStatementCacheMakesRoomForNewStatements(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "cache.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	cache := newStmtCache(db)
	pool := cachedPool{db: db, cache: cache}
	var n int
	for i := range maxCachedStatements + 100 {
		require.NoError(t, pool.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n))
	}
	static := "SELECT 'static'"
	var s string
	require.NoError(t, pool.QueryRowContext(ctx, static).Scan(&s))
	cache.mu.Lock()
	_, cached := cache.lru.Peek(static)
	size := cache.lru.Len()
	cache.mu.Unlock()
	require.True(t, cached, "a statement first seen after the cache filled is not cached")
	require.LessOrEqual(t, size, maxCachedStatements)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 400 {
				q := fmt.Sprintf("SELECT %d + %d", g, i) // evicts others' statements while they run
				if i%3 == 0 {
					q = static
				}
				rows, err := pool.QueryContext(ctx, q)
				if err != nil {
					errs <- err
					return
				}
				for rows.Next() {
				}
				if err := rows.Close(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	cache.close()
	require.NoError(t, pool.QueryRowContext(ctx, static).Scan(&s), "a closed cache runs statements unprepared")
}

// TestStatementCacheDoesNotPrepareUnderItsLock: a caller holding the pool's only
// connection (a Row not scanned yet) needs the cache's lock in put; a caller
// preparing a new statement used to hold that lock while it waited for the
// connection, and every reader of the pool stopped (seen at 150 requests/s).
func TestStatementCacheDoesNotPrepareUnderItsLock(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "cache.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	db.SetMaxOpenConns(1)
	pool := cachedPool{db: db, cache: newStmtCache(db)}
	done := make(chan error, 1)
	go func() {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Go(func() {
				for i := range 300 {
					var n int
					// Half of them new statements to prepare, half cached ones.
					q := fmt.Sprintf("SELECT %d", (g*1000+i)%(2+i%2*1000))
					if err := pool.QueryRowContext(ctx, q).Scan(&n); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		done <- <-errs
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("readers of a one-connection pool deadlocked on the statement cache")
	}
}

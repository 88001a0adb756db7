package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestGroupCommitIsolatesFailures: concurrent write transactions share commits,
// but one that fails (or panics) is rolled back alone and the others commit.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 60)
	for i := range results {
		wg.Go(func() {
			results[i] = db.WriteTx(ctx, func(tx *store.Tx) error {
				now := time.Now()
				if _, err := tx.CreateGroup(ctx, model.Group{Name: fmt.Sprintf("g%02d", i), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errBoom
				case 7:
					panic("writer bug")
				}
				return nil
			})
		})
	}
	wg.Wait()
	groups, err := db.Read().ListGroups(ctx, store.Page{Limit: 1000})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, g := range groups {
		names[g.Name] = true
	}
	for i, err := range results {
		name := fmt.Sprintf("g%02d", i)
		switch i % 10 {
		case 3:
			require.ErrorIs(t, err, errBoom)
			require.False(t, names[name], "failed transaction %d left its row", i)
		case 7:
			require.ErrorContains(t, err, "panicked")
			require.False(t, names[name], "panicked transaction %d left its row", i)
		default:
			require.NoError(t, err)
			require.True(t, names[name], "transaction %d lost", i)
		}
	}
	require.NoError(t, db.Close())
	require.ErrorIs(t, db.WriteTx(ctx, func(*store.Tx) error { return nil }), store.ErrClosed)
}

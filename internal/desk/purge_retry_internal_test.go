package desk

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
)

// TestPurgeRunsAgainAfterADeadlock: a purge's transaction that PostgreSQL
// aborted to break a deadlock runs again (at most purgeAttempts times in all);
// any other error ends it at once. The deadlock is a real one, made by two
// transactions taking two rows in opposite orders.
func TestPurgeRunsAgainAfterADeadlock(t *testing.T) {
	t.Parallel()
	db, err := postgres.Open(t.Context(), pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	deadlock := makeDeadlock(t, db.WriteDB())
	require.True(t, db.Retryable(deadlock), "a deadlock is retryable: %v", deadlock)
	require.False(t, db.Retryable(model.ErrConflict))
	s := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))

	for _, c := range []struct {
		name      string
		failures  int   // how many attempts fail before one succeeds
		fail      error // with what
		wantCalls int
		wantErr   bool
	}{
		{"one deadlock, then done", 1, deadlock, 2, false},
		{"deadlocked every time", 10, deadlock, purgeAttempts, true},
		{"another error is not run again", 10, model.ErrForbidden, 1, true},
	} {
		calls := 0
		err := s.purgeTx(t.Context(), func(tx *store.Tx) error {
			calls++
			if calls <= c.failures {
				return c.fail
			}
			return nil
		})
		require.Equal(t, c.wantCalls, calls, c.name)
		require.Equal(t, c.wantErr, err != nil, "%s: %v", c.name, err)
	}
}

// makeDeadlock returns the error PostgreSQL gave the transaction it aborted
// to break a deadlock between two.
func makeDeadlock(t *testing.T, db *sql.DB) error {
	ctx := t.Context()
	_, err := db.ExecContext(ctx, `CREATE TABLE deadlock_rows (id INT PRIMARY KEY); INSERT INTO deadlock_rows VALUES (1), (2)`)
	require.NoError(t, err)
	first, second := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	lockBoth := func(i int, a, b int, mine, theirs chan struct{}) {
		defer wg.Done()
		errs[i] = func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.ExecContext(ctx, `UPDATE deadlock_rows SET id = id WHERE id = $1`, a); err != nil {
				return err
			}
			close(mine)
			<-theirs // both hold one row; each now asks for the other's
			_, err = tx.ExecContext(context.WithoutCancel(ctx), `UPDATE deadlock_rows SET id = id WHERE id = $1`, b)
			return err
		}()
	}
	wg.Add(2)
	go lockBoth(0, 1, 2, first, second)
	go lockBoth(1, 2, 1, second, first)
	wg.Wait()
	err = errors.Join(errs[0], errs[1])
	require.Error(t, err, "neither transaction was aborted")
	return err
}

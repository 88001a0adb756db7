package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestGroupCommitIsolatesFailures: concurrent write transactions share commits,
// but one that fails (or panics) is rolled back alone and the others commit. A
// committed caller's AfterCommit functions have run when WriteTx returns; a
// failed caller's never run.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	commits := &commitCounter{}
	db.ObserveCommits(commits)
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 60)
	ran := make([]atomic.Bool, len(results))
	ranBeforeReturn := make([]bool, len(results))
	for i := range results {
		wg.Go(func() {
			results[i] = db.WriteTx(ctx, func(tx *store.Tx) error {
				now := time.Now()
				if _, err := tx.CreateGroup(ctx, model.Group{Name: fmt.Sprintf("g%02d", i), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				tx.AfterCommit(func() { ran[i].Store(true) })
				switch i % 10 {
				case 3:
					return errBoom
				case 7:
					panic("writer bug")
				}
				return nil
			})
			ranBeforeReturn[i] = ran[i].Load()
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
			require.False(t, ran[i].Load(), "failed transaction %d ran its AfterCommit", i)
		case 7:
			require.ErrorContains(t, err, "panicked")
			require.False(t, names[name], "panicked transaction %d left its row", i)
			require.False(t, ran[i].Load(), "panicked transaction %d ran its AfterCommit", i)
		default:
			require.NoError(t, err)
			require.True(t, names[name], "transaction %d lost", i)
			require.True(t, ranBeforeReturn[i], "transaction %d returned before its AfterCommit ran", i)
		}
	}
	// The isolation above is only tested if callers shared commits.
	require.Greater(t, commits.most.Load(), int64(1), "no commit carried more than one caller: no batch formed")
	require.NoError(t, db.Close())
	require.ErrorIs(t, db.WriteTx(ctx, func(*store.Tx) error { return nil }), store.ErrClosed)
}

// commitCounter records the most callers one commit carried.
type commitCounter struct{ most atomic.Int64 }

func (c *commitCounter) ObserveCommit(callers int, _ time.Duration) {
	for {
		m := c.most.Load()
		if int64(callers) <= m || c.most.CompareAndSwap(m, int64(callers)) {
			return
		}
	}
}

// TestGroupCommitQueuesIndexWrites: full-text writes are queued until the end of
// their caller's function, yet a failed caller's writes are dropped with its
// savepoint, and a purge after a create leaves no index row, whether in one
// transaction or two.
func TestGroupCommitQueuesIndexWrites(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	now := time.Now()
	var requester int64
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
		requester, err = tx.CreateUser(ctx, model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: now, UpdatedAt: now})
		return err
	}))
	create := func(tx *store.Tx, word string) (int64, error) {
		tk := model.Ticket{Subject: "subject " + word, Description: "d", Status: model.StatusNew, RequesterID: requester,
			SubmitterID: requester, Via: "api", CreatedAt: now, UpdatedAt: now}
		id, err := tx.CreateTicket(ctx, &tk)
		if err != nil {
			return 0, err
		}
		return id, tx.IndexSubject(ctx, id, tk.Subject)
	}
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	ids := make([]int64, 40)
	for i := range ids {
		wg.Go(func() {
			err := db.WriteTx(ctx, func(tx *store.Tx) error {
				if i%4 == 1 {
					// No ticket row: a rolled-back ticket's id is handed out again,
					// which would hide a stray index row behind the next ticket's.
					if err := tx.IndexSubject(ctx, int64(1_000_000+i), fmt.Sprintf("subject word%d", i)); err != nil {
						return err
					}
					return errBoom
				}
				id, err := create(tx, fmt.Sprintf("word%d", i))
				if err != nil {
					return err
				}
				ids[i] = id
				if i%4 == 2 {
					return tx.PurgeTicket(ctx, id)
				}
				return nil
			})
			if want := i%4 == 1; errors.Is(err, errBoom) != want {
				t.Errorf("transaction %d: %v", i, err)
			}
			if i%4 == 3 {
				_ = db.WriteTx(ctx, func(tx *store.Tx) error { return tx.PurgeTicket(ctx, ids[i]) })
			}
		})
	}
	wg.Wait()
	for i := range ids {
		var n int
		require.NoError(t, db.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ticket_text WHERE ticket_text MATCH $1`,
			fmt.Sprintf("word%d", i)).Scan(&n))
		want := 0
		if i%4 == 0 {
			want = 1
		}
		require.Equal(t, want, n, "index rows of transaction %d (kind %d)", i, i%4)
	}
}

// TestGroupCommitIndexFailureFailsItsCallerAlone: a caller whose full-text
// write fails when it runs (here a part that already exists) is rolled back
// alone; the others of its batch commit. The writes used to run for the whole
// batch just before the commit, so one caller's bad write failed them all.
func TestGroupCommitIndexFailureFailsItsCallerAlone(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	defer db.Close()
	now := time.Now()
	var indexed int64
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error {
		requester, err := tx.CreateUser(ctx, model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			return err
		}
		tk := model.Ticket{Subject: "printer", Description: "d", Status: model.StatusNew, RequesterID: requester,
			SubmitterID: requester, Via: "api", CreatedAt: now, UpdatedAt: now}
		if indexed, err = tx.CreateTicket(ctx, &tk); err != nil {
			return err
		}
		tx.IndexNewTicket(ctx, indexed, tk.Subject, "")
		return nil
	}))

	commits := &commitCounter{}
	db.ObserveCommits(commits)
	// Hold the writer so that the callers below queue up and share one batch.
	hold, held := make(chan struct{}), make(chan struct{})
	go func() {
		_ = db.WriteTx(ctx, func(*store.Tx) error { close(held); <-hold; return nil })
	}()
	<-held
	var wg sync.WaitGroup
	results := make([]error, 30)
	var submitted sync.WaitGroup
	for i := range results {
		submitted.Add(1)
		wg.Go(func() {
			submitted.Done()
			results[i] = db.WriteTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.CreateGroup(ctx, model.Group{Name: fmt.Sprintf("g%02d", i), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
				if i%10 == 4 {
					tx.IndexNewTicket(ctx, indexed, "printer again", "") // part 0 exists: fails when run
				}
				return nil
			})
		})
	}
	submitted.Wait()
	time.Sleep(100 * time.Millisecond) // let them reach the batch queue
	close(hold)
	wg.Wait()
	require.Greater(t, commits.most.Load(), int64(1), "no commit carried more than one caller: no batch formed")
	groups, err := db.Read().ListGroups(ctx, store.Page{Limit: 1000})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, g := range groups {
		names[g.Name] = true
	}
	for i, err := range results {
		name := fmt.Sprintf("g%02d", i)
		if i%10 == 4 {
			require.Error(t, err, "caller %d's duplicate index part", i)
			require.False(t, names[name], "failed caller %d left its row", i)
			continue
		}
		require.NoError(t, err, "caller %d shares a batch with a failing one", i)
		require.True(t, names[name], "caller %d lost", i)
	}
}

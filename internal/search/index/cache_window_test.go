package index_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// heldCommit holds the writer between a commit and the term cache learning of
// it, once armed: the window in which the database is ahead of the cache.
type heldCommit struct {
	armed     chan struct{} // receives once: hold the next commit
	committed chan struct{} // closed when the held commit is in the database
	release   chan struct{} // closed to let the writer go on to the cache
	once      sync.Once
}

func (h *heldCommit) letGo() { h.once.Do(func() { close(h.release) }) }

func (h *heldCommit) ObserveCommit(int, time.Duration) {
	select {
	case <-h.armed:
		close(h.committed)
		<-h.release
	default:
	}
}

// slowReader reads its first match set at once and hands it over only when
// released: a search whose read began before a commit and whose set reaches
// the cache after it.
type slowReader struct {
	index.Reader
	read    chan struct{} // closed once the set is read
	release chan struct{}
}

func (r *slowReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	select {
	case <-r.read:
		return r.Reader.QueryRowContext(ctx, query, args...)
	default:
	}
	var set []byte
	err := r.Reader.QueryRowContext(ctx, query, args...).Scan(&set)
	close(r.read)
	<-r.release
	if err != nil {
		return r.Reader.QueryRowContext(ctx, "SELECT $1 FROM no_such_table", set)
	}
	return r.Reader.QueryRowContext(ctx, "SELECT $1", set)
}

// TestTermCacheNeverFallsBehindWhatWasRead: a match set read before a commit
// and offered to the cache after it, while the cache has not yet applied that
// commit, must not be kept: a reader who already counted the new ticket
// (reading past the cache) would then count fewer through it.
func TestTermCacheNeverFallsBehindWhatWasRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	hold := &heldCommit{armed: make(chan struct{}, 1), committed: make(chan struct{}), release: make(chan struct{})}
	db.ObserveCommits(hold)
	t.Cleanup(hold.letGo) // before Close, which waits for the writer, when the test failed
	var user int64
	newTicket := func(tx *store.Tx) error {
		tk := model.Ticket{Subject: "alpha", Status: model.StatusNew, RequesterID: user, SubmitterID: user, Via: "web", CreatedAt: t0, UpdatedAt: t0}
		id, err := tx.CreateTicket(ctx, &tk)
		tx.IndexNewTicket(ctx, id, tk.Subject, "")
		return err
	}
	require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) (err error) {
		if user, err = tx.CreateUser(ctx, model.User{Name: "Jo", Email: "jo@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		return newTicket(tx)
	}))
	q, err := search.Parse("alpha")
	require.NoError(t, err)
	count := func(read index.Searcher) int64 {
		n, err := read.CountTickets(ctx, index.Params{Query: q, Now: t0, Memo: new(index.Memo)})
		require.NoError(t, err)
		return n
	}

	// A search through the cache reads alpha's set (one ticket) and stalls.
	slow := &slowReader{Reader: db.Read(), read: make(chan struct{}), release: make(chan struct{})}
	stalled := make(chan int64, 1)
	go func() {
		n, _ := index.New(db.Dialect().FullText, db.SearchCache(), func() index.Reader { return slow }).CountTickets(ctx,
			index.Params{Query: q, Now: t0, Memo: new(index.Memo)})
		stalled <- n
	}()
	<-slow.read
	// A second ticket commits; the writer is held before the cache hears of it.
	hold.armed <- struct{}{}
	wrote := make(chan error, 1)
	go func() { wrote <- db.WriteTx(ctx, newTicket) }()
	<-hold.committed
	require.EqualValues(t, 2, count(uncached(db)), "the index holds both tickets")
	// The stalled search offers its old set to the cache.
	close(slow.release)
	require.EqualValues(t, 1, <-stalled, "the stalled search read before the commit")
	require.EqualValues(t, 2, count(db.Searcher()), "through the cache, after both tickets were counted past it")
	hold.letGo()
	require.NoError(t, <-wrote)
	require.EqualValues(t, 2, count(db.Searcher()))
	require.EqualValues(t, 2, count(db.Searcher()))
	require.Positive(t, db.SearchCache().Len(), "a search after the commit keeps its set")
}

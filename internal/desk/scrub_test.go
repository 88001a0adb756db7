package desk

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestScrubSharedByConcurrentPurges: concurrent purges share scrubs (one at a time,
// far fewer than callers), each caller returns only after a scrub that started
// after it was called, and a caller's cancelled context doesn't abort the scrub.
func TestScrubSharedByConcurrentPurges(t *testing.T) {
	t.Parallel()
	type run struct{ start, end time.Time }
	var (
		mu              sync.Mutex
		runs            []run
		active, maxSeen int
	)
	afterPurge := func(ctx context.Context, _ *sql.DB) error {
		if ctx.Err() != nil {
			t.Error("the scrub must run even when the caller has gone")
		}
		mu.Lock()
		active++
		maxSeen = max(maxSeen, active)
		r := run{start: time.Now()}
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		active--
		r.end = time.Now()
		runs = append(runs, r)
		mu.Unlock()
		return nil
	}
	// A real database holds the scrubs owed; the fake dialect times the scrubs.
	real, err := sqlite.Open(t.Context(), t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = real.Close() })
	w := real.WriteDB()
	s := New(store.New(w, w, store.Dialect{Name: "fake", AfterPurge: afterPurge}), slog.New(slog.NewTextHandler(io.Discard, nil)))

	const callers = 20
	type call struct{ start, end time.Time }
	calls := make([]call, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			if i%2 == 0 {
				cancel() // half the callers have given up already
			}
			defer cancel()
			time.Sleep(time.Duration(i) * 3 * time.Millisecond)
			calls[i].start = time.Now()
			s.scrub(ctx)
			calls[i].end = time.Now()
		}()
	}
	wg.Wait()

	require.Equal(t, 1, maxSeen, "one scrub at a time")
	require.Less(t, len(runs), callers/2, "callers share scrubs")
	for i, c := range calls {
		covered := false
		for _, r := range runs {
			covered = covered || (!r.start.Before(c.start) && !r.end.After(c.end))
		}
		require.True(t, covered, "caller %d returned before a scrub that started after its purge finished", i)
	}
}

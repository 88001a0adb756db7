package zdimport

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/seed"
)

// TestImportSpeed measures a twindesk-to-twindesk import of
// TWINDESK_IMPORT_BENCH_TICKETS seeded tickets (docs/benchmarks.md). It is a
// measurement, not a check of correctness, so it runs only when asked.
func TestImportSpeed(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("TWINDESK_IMPORT_BENCH_TICKETS"))
	if n <= 0 {
		t.Skip("set TWINDESK_IMPORT_BENCH_TICKETS=10000 to measure the import")
	}
	ctx := context.Background()
	src := apitest.New(t, apitest.SQLite)
	st, err := seed.Run(ctx, src.Instance.DB, seed.Config{Tickets: n, Seed: 11, Now: time.Now().Add(-time.Hour)}, nil)
	require.NoError(t, err)
	dst := apitest.New(t, apitest.SQLite)
	before := cpuTime(t)
	rep, err := runImportN(ctx, t, src, dst, nil, 16)
	cpu := cpuTime(t) - before
	require.NoError(t, err)
	tc := rep.Get(kindTicket)
	require.Equal(t, n, tc.Created)
	require.Zero(t, tc.Failed)
	rate := float64(n) / rep.Elapsed.Seconds()
	// Both instances and the importer run in this process: its CPU time is the
	// whole cost, which the wall time hides when the machine is shared.
	t.Logf("imported %d tickets with %d comments (%.2f a ticket) and %d users in %s: %.0f tickets/s; CPU %s, %.2f ms a ticket",
		n, st.Comments, float64(st.Comments)/float64(n), rep.Get(kindUser).Created, rep.Elapsed.Round(time.Millisecond), rate,
		cpu.Round(time.Millisecond), float64(cpu.Microseconds())/1000/float64(n))
	require.EqualValues(t, n, dst.Counts(t)["tickets"])
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

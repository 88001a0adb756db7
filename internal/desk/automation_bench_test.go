package desk_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

var (
	autoTickets = flag.Int("automation-tickets", 20000, "tickets BenchmarkAutomationRun seeds")
	autoData    = flag.String("automation-data", "", "data directory BenchmarkAutomationRun seeds (a temporary one if empty)")
)

// BenchmarkAutomationRun seeds -automation-tickets tickets (two years of
// history: most old tickets closed, about 12% of them solved) and times the
// default automation, "close 4 days after solved": first the backlog run that
// closes every ticket solved long ago, reported as backlog-s, then each later
// run, which finds nothing new (the hourly steady state) and is the ns/op.
func BenchmarkAutomationRun(b *testing.B) {
	ctx := context.Background()
	dir := *autoData
	if dir == "" {
		dir = b.TempDir()
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := seed.Run(ctx, db, seed.Config{Tickets: *autoTickets, Seed: 19}, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d tickets in %s", st.Tickets, st.Elapsed.Round(time.Second))
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Now()
	first, err := d.RunAutomations(ctx)
	if err != nil {
		b.Fatal(err)
	}
	backlog := time.Since(start)
	b.Logf("backlog run: %s, %d candidates, %d tickets closed", backlog.Round(time.Millisecond), first.Candidates, first.Updated)
	if first.Updated != first.Candidates {
		b.Fatalf("the backlog run read %d candidates but closed %d: it should read only matching tickets", first.Candidates, first.Updated)
	}
	b.ReportMetric(backlog.Seconds(), "backlog-s")
	b.ReportMetric(float64(first.Updated), "backlog-closed")
	b.ResetTimer()
	for b.Loop() {
		again, err := d.RunAutomations(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if again.Candidates != 0 {
			b.Fatalf("a second run read %d candidates", again.Candidates)
		}
	}
}

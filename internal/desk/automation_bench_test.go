package desk_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

var (
	autoTickets = flag.Int("automation-tickets", 20000, "tickets BenchmarkAutomationRun seeds")
	autoData    = flag.String("automation-data", "", "data directory BenchmarkAutomationRun seeds (a temporary one if empty)")
	autoPG      = flag.String("automation-pg", "", "PostgreSQL URL BenchmarkAutomationRun uses instead of SQLite (seeded as the directory)")
)

// BenchmarkAutomationRun seeds -automation-tickets tickets (two years of
// history: most old tickets closed, about 12% of them solved) and times the
// default automation, "close 4 days after solved": first the backlog run that
// closes every ticket solved long ago, reported as backlog-s, then each later
// run, which finds only what crossed the limit since (the hourly steady
// state) and is the ns/op. A directory given by -automation-data and already
// seeded is reused without seeding; its backlog is then what built up since.
// -automation-pg runs it on PostgreSQL instead.
func BenchmarkAutomationRun(b *testing.B) {
	ctx := context.Background()
	dir := *autoData
	if dir == "" {
		dir = b.TempDir()
	}
	var db *store.DB
	var err error
	if *autoPG != "" {
		db, err = postgres.Open(ctx, *autoPG)
	} else {
		db, err = sqlite.Open(ctx, dir)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	have, err := db.Read().CountTickets(ctx, store.TicketFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if have < int64(*autoTickets) { // a directory seeded by an earlier run is reused as is
		st, err := seed.Run(ctx, db, seed.Config{Tickets: *autoTickets - int(have), Seed: 19}, os.Stderr)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d tickets in %s", st.Tickets, st.Elapsed.Round(time.Second))
	}
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	audits := ruleAudits(ctx, b, db)
	start, cpu := time.Now(), cpuTime(b)
	first, err := d.RunAutomations(ctx)
	if err != nil {
		b.Fatal(err)
	}
	backlog, backlogCPU := time.Since(start), cpuTime(b)-cpu
	b.Logf("backlog run: %s (%s of CPU, writer included), %d candidates, %d tickets closed",
		backlog.Round(time.Millisecond), backlogCPU.Round(time.Millisecond), first.Candidates, first.Updated)
	if first.Updated != first.Candidates {
		b.Fatalf("the backlog run read %d candidates but closed %d: it should read only matching tickets", first.Candidates, first.Updated)
	}
	// Touching only matching tickets: one audit per ticket changed, none for a
	// ticket read and left alone.
	if wrote := ruleAudits(ctx, b, db) - audits; wrote != int64(first.Updated) {
		b.Fatalf("the backlog run changed %d tickets but wrote %d audits", first.Updated, wrote)
	}
	b.ReportMetric(backlog.Seconds(), "backlog-s")
	b.ReportMetric(backlogCPU.Seconds(), "backlog-cpu-s")
	b.ReportMetric(float64(first.Updated), "backlog-closed")
	b.ResetTimer()
	for b.Loop() {
		again, err := d.RunAutomations(ctx)
		if err != nil {
			b.Fatal(err)
		}
		// A ticket whose clock crossed the limit since the last run is a new
		// match; anything read and not matched is a ticket touched for nothing.
		if again.Candidates != again.Updated {
			b.Fatalf("a later run read %d candidates but updated %d", again.Candidates, again.Updated)
		}
	}
}

// ruleAudits counts the audits written by automations (the system user).
func ruleAudits(ctx context.Context, b *testing.B, db *store.DB) int64 {
	var n int64
	if err := db.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM audits WHERE author_id = -1`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// cpuTime is the CPU time this process used so far: on a machine shared with
// other work, wall time says more about the neighbours than about the run.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/seed"
)

const seedUsage = `Usage:
  twindesk seed --tickets N [--data D | --database-url U] [flags]

Adds N realistic tickets (with requesters, agents, groups, comments, audits, tags
and custom field values) straight into the database, in large transactions, with
a progress line on stderr. Run it with the server stopped or running: on SQLite
each batch briefly holds the writer. Agents, groups and fields from an earlier run
are reused; requesters and tickets are added.

Flags:
`

func seedCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s config.Store
	var cfg seed.Config
	var seedValue uint64
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, seedUsage); fs.PrintDefaults() }
	config.StoreFlags(fs, &s)
	fs.IntVar(&cfg.Tickets, "tickets", 0, "number of tickets to add (env TWINDESK_TICKETS)")
	fs.IntVar(&cfg.Requesters, "requesters", 0, "number of end users to add; default tickets/5 (env TWINDESK_REQUESTERS)")
	fs.IntVar(&cfg.Agents, "agents", 40, "number of agents to ensure (env TWINDESK_AGENTS)")
	fs.IntVar(&cfg.Groups, "groups", 8, "number of groups to ensure, at most 12 (env TWINDESK_GROUPS)")
	fs.IntVar(&cfg.Batch, "batch", 2000, "tickets per transaction (env TWINDESK_BATCH)")
	fs.IntVar(&cfg.Writers, "writers", 0, "transactions written at once; default 1 on SQLite, 2 on PostgreSQL (env TWINDESK_WRITERS)")
	fs.Uint64Var(&seedValue, "seed", 1, "random seed; the same seed on an empty database gives the same data (env TWINDESK_SEED)")
	fs.DurationVar(&cfg.Span, "span", 0, "how far back ticket dates go; default two years (env TWINDESK_SPAN)")
	var cpuProfile string
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the run to this file (env TWINDESK_CPUPROFILE)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if cfg.Tickets <= 0 {
		fs.Usage()
		return errors.New("seed: --tickets must be a positive number")
	}
	cfg.Seed = seedValue
	stop, err := startCPUProfile(cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	db, err := instance.OpenStore(ctx, s)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := seed.Run(ctx, db, cfg, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d tickets, %d comments, %d audits, %d requesters in %s (%.0f tickets/s) into %s\n",
		st.Tickets, st.Comments, st.Audits, st.Requesters, st.Elapsed.Round(100_000_000), float64(st.Tickets)/st.Elapsed.Seconds(), db.Dialect().Name)
	return nil
}

// startCPUProfile starts a CPU profile into path (none when empty); the returned
// function stops it.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/loadgen"
)

const benchUsage = `Usage:
  twindesk-bench create     --url URL --email E --token T [--concurrency 16 --duration 30s --triggers 50]
  twindesk-bench mix        --url URL --email E --token T [--rate 500 --duration 30s --mix 60/20/20]
  twindesk-bench mix        ... --sweep 100-1000/100 [--json sweep.json --svg chart.svg]
  twindesk-bench escalation --standard URL --secure URL [credentials] [--n 200]
  twindesk-bench chart      --svg chart.svg [--title T] LABEL=sweep.json ...

Drives live instances over HTTP and prints throughput and p50/p90/p99 latencies.
--url takes a comma-separated list of nodes of one instance (alias --urls);
requests go to them round-robin. Results go to standard output, notes to
standard error. Run "twindesk-bench <mode> --help" for every flag.
`

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return errors.New("bench: say which mode: create, mix, escalation or chart")
	}
	switch args[0] {
	case "create":
		return benchCreate(ctx, args[1:], stdout, stderr)
	case "mix":
		return benchMix(ctx, args[1:], stdout, stderr)
	case "escalation":
		return benchEscalation(ctx, args[1:], stdout, stderr)
	case "chart":
		return benchChart(args[1:], stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, benchUsage)
		return nil
	}
	fmt.Fprint(stderr, benchUsage)
	return fmt.Errorf("bench: unknown mode %q", args[0])
}

// target is the instance a create or mix run talks to.
type target struct {
	urls, email, token string
}

func (t *target) flags(fs *flag.FlagSet) {
	fs.StringVar(&t.urls, "url", "http://127.0.0.1:8080", "base URL of the instance; comma-separated for several nodes (env TWINDESK_URL)")
	fs.Func("urls", "alias of --url (env TWINDESK_URLS)", func(s string) error { t.urls = s; return nil })
	fs.StringVar(&t.email, "email", "", "email of an agent or admin (env TWINDESK_EMAIL)")
	fs.StringVar(&t.token, "token", "", "that user's API token, from twindesk admin create-token (env TWINDESK_TOKEN)")
}

func (t *target) client(conns int) (*loadgen.Client, error) {
	return loadgen.NewClient(strings.Split(t.urls, ","), t.email, t.token, conns)
}

func newBenchFlags(mode, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("bench "+mode, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage:\n  twindesk-bench %s %s\n\nFlags:\n", mode, usage)
		fs.PrintDefaults()
	}
	return fs
}

func benchCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var t target
	var cfg loadgen.CreateConfig
	fs := newBenchFlags("create", "--url URL --email E --token T [flags]\n\nClosed loop: each client sends its next POST /api/v2/tickets.json when the last is answered.", stderr)
	t.flags(fs)
	fs.IntVar(&cfg.Concurrency, "concurrency", 16, "number of clients (env TWINDESK_CONCURRENCY)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to measure (env TWINDESK_DURATION)")
	fs.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "load sent before measuring starts (env TWINDESK_WARMUP)")
	fs.IntVar(&cfg.Triggers, "triggers", 0, "active bench triggers to create first (removed after, see --keep-triggers) (env TWINDESK_TRIGGERS)")
	fs.BoolVar(&cfg.KeepTriggers, "keep-triggers", false, "leave the bench triggers in place after the run (env TWINDESK_KEEP_TRIGGERS)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "varies the generated tickets (env TWINDESK_SEED)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	c, err := t.client(cfg.Concurrency)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(stderr, "bench: creating tickets for %s (+%s warmup) on %s\n", cfg.Duration, cfg.Warmup, strings.Join(c.URLs(), ", "))
	res, err := loadgen.RunCreate(ctx, c, cfg, stderr)
	res.Print(stdout)
	return err
}

func benchMix(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var t target
	var cfg loadgen.MixConfig
	var mix, sweep, jsonOut, svgOut, title string
	var pause time.Duration
	fs := newBenchFlags("mix", "--url URL --email E --token T [flags]\n\nOpen loop: --rate requests start every second whatever the latency; each is timed\nfrom when it was due, so queueing shows (no coordinated omission).", stderr)
	t.flags(fs)
	fs.Float64Var(&cfg.Rate, "rate", 500, "requests per second (env TWINDESK_RATE)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to measure, per rate (env TWINDESK_DURATION)")
	fs.DurationVar(&cfg.Warmup, "warmup", 5*time.Second, "load sent before measuring starts, per rate (env TWINDESK_WARMUP)")
	fs.StringVar(&mix, "mix", "60/20/20", "read/update/search weights (env TWINDESK_MIX)")
	fs.IntVar(&cfg.Prepare, "prepare", 500, "tickets created first for the updates (env TWINDESK_PREPARE)")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", 512, "concurrent requests at most; more wait, and the wait counts (env TWINDESK_MAX_IN_FLIGHT)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "varies the generated requests (env TWINDESK_SEED)")
	fs.BoolVar(&cfg.ByQuery, "by-query", false, "report each search query on its own line (env TWINDESK_BY_QUERY)")
	var queries string
	fs.StringVar(&queries, "queries", "", "file of search queries, one a line, sent instead of the built-in ones (env TWINDESK_QUERIES)")
	fs.StringVar(&sweep, "sweep", "", "run at each of these rates instead of --rate: 100,200,500 or 100-1000/100 (env TWINDESK_SWEEP)")
	fs.DurationVar(&pause, "pause", 5*time.Second, "idle time between the rates of a sweep (env TWINDESK_PAUSE)")
	fs.StringVar(&jsonOut, "json", "", "write the sweep's results to this file, for bench chart (env TWINDESK_JSON)")
	fs.StringVar(&svgOut, "svg", "", "draw the sweep's latency-vs-load chart into this SVG file (env TWINDESK_SVG)")
	fs.StringVar(&title, "title", "twindesk: latency vs. load (read/update/search mix)", "chart title (env TWINDESK_TITLE)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	var err error
	if cfg.Read, cfg.Update, cfg.Search, err = parseMix(mix); err != nil {
		return err
	}
	if cfg.Queries, err = readQueries(queries); err != nil {
		return err
	}
	c, err := t.client(64)
	if err != nil {
		return err
	}
	defer c.Close()
	if sweep != "" {
		return runSweep(ctx, c, cfg, sweep, pause, sweepOut{jsonOut, svgOut, title}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "bench: preparing %d tickets and sampling ids on %s\n", cfg.Prepare, strings.Join(c.URLs(), ", "))
	tg, err := loadgen.PrepareMix(ctx, c, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: %.0f req/s for %s (+%s warmup)\n", cfg.Rate, cfg.Duration, cfg.Warmup)
	res, err := loadgen.RunMix(ctx, c, cfg, tg)
	res.Print(stdout)
	return err
}

// parseMix reads "60/20/20".
func parseMix(s string) (read, update, search int, err error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return 0, 0, 0, fmt.Errorf("bench: --mix %q: use read/update/search weights, e.g. 60/20/20", s)
	}
	var w [3]int
	for i, p := range parts {
		if w[i], err = strconv.Atoi(strings.TrimSpace(p)); err != nil || w[i] < 0 {
			return 0, 0, 0, fmt.Errorf("bench: --mix %q: weights are whole numbers, e.g. 60/20/20", s)
		}
	}
	return w[0], w[1], w[2], nil
}

// readQueries reads the search queries of --queries, one a line, skipping
// blank lines; none when path is empty.
func readQueries(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: --queries: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if q := strings.TrimSpace(line); q != "" {
			out = append(out, q)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: --queries: %s holds no query", path)
	}
	return out, nil
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/loadgen"
)

// sweepOut says where a sweep's results go besides standard output.
type sweepOut struct {
	json, svg, title string
}

// p99Target is the latency target for the mix, drawn on charts.
const p99Target = 20 * time.Millisecond

func runSweep(ctx context.Context, c *loadgen.Client, cfg loadgen.MixConfig, rates string, pause time.Duration, out sweepOut, stdout, stderr io.Writer) error {
	list, err := loadgen.ParseRates(rates)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: sweeping %d rates, %s each (+%s warmup), on %s\n", len(list), cfg.Duration, cfg.Warmup, strings.Join(c.URLs(), ", "))
	points, err := loadgen.RunSweep(ctx, c, cfg, list, pause, stdout)
	if len(points) > 0 {
		fmt.Fprintln(stdout)
		loadgen.PrintSweep(stdout, points)
	}
	if err != nil {
		return err
	}
	if out.json != "" {
		b, err := json.MarshalIndent(points, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(out.json, b, 0o644); err != nil {
			return fmt.Errorf("bench: write %s: %w", out.json, err)
		}
	}
	if out.svg != "" {
		return writeChart(out.svg, out.title, loadgen.PercentileSeries("", points, false))
	}
	return nil
}

func writeChart(path, title string, series []loadgen.Series) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := loadgen.WriteSVG(f, title, series, p99Target); err != nil {
		_ = f.Close()
		return fmt.Errorf("bench: write %s: %w", path, err)
	}
	return f.Close()
}

// benchChart draws several saved sweeps (LABEL=file.json) on one chart; the
// second and later sweeps are dashed.
func benchChart(args []string, stderr io.Writer) error {
	var svg, title string
	fs := newBenchFlags("chart", "--svg chart.svg [--title T] LABEL=sweep.json ...\n\nDraws p50/p90/p99 against offered load from sweeps saved with bench mix --json.", stderr)
	fs.StringVar(&svg, "svg", "docs/latency-vs-load.svg", "SVG file to write (env TWINDESK_SVG)")
	fs.StringVar(&title, "title", "twindesk: latency vs. load (read/update/search mix)", "chart title (env TWINDESK_TITLE)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("bench chart: name at least one LABEL=sweep.json")
	}
	var series []loadgen.Series
	for i, arg := range fs.Args() {
		label, file, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("bench chart: %q is not LABEL=sweep.json", arg)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("bench chart: %w", err)
		}
		var points []loadgen.SweepPoint
		if err := json.Unmarshal(b, &points); err != nil {
			return fmt.Errorf("bench chart: %s: %w", file, err)
		}
		series = append(series, loadgen.PercentileSeries(label+" ", points, i > 0)...)
	}
	return writeChart(svg, title, series)
}

func benchEscalation(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var std, sec target
	var cfg loadgen.EscalationConfig
	fs := newBenchFlags("escalation", "--standard URL --secure URL --standard-email E --standard-token T --secure-email E --secure-token T [flags]\n\n"+
		"Both instances need the recipe (twindesk escalation setup). Each round trip creates a standard\n"+
		"ticket, puts it in the pseudo group and polls until the secure copy and the stub are linked.", stderr)
	escalationFlags(fs, &std, &sec)
	fs.IntVar(&cfg.N, "n", 200, "number of round trips (env TWINDESK_N)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 1, "round trips in flight at once (env TWINDESK_CONCURRENCY)")
	fs.StringVar(&cfg.Pseudo, "pseudo", "Payroll (secure)", "standard pseudo group that escalates (env TWINDESK_PSEUDO)")
	fs.DurationVar(&cfg.Poll, "poll", 5*time.Millisecond, "polling interval; bounds the resolution (env TWINDESK_POLL)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "a round trip not linked by then fails (env TWINDESK_TIMEOUT)")
	if err := config.Parse(fs, args); err != nil {
		return err
	}
	sc, err := std.client(cfg.Concurrency * 2)
	if err != nil {
		return fmt.Errorf("bench: standard: %w", err)
	}
	defer sc.Close()
	xc, err := sec.client(cfg.Concurrency * 2)
	if err != nil {
		return fmt.Errorf("bench: secure: %w", err)
	}
	defer xc.Close()
	fmt.Fprintf(stderr, "bench: %d escalation round trips, %d at a time, %s -> %s\n", cfg.N, cfg.Concurrency, strings.Join(sc.URLs(), ","), strings.Join(xc.URLs(), ","))
	res, err := loadgen.RunEscalation(ctx, sc, xc, cfg)
	res.Print(stdout)
	return err
}

func escalationFlags(fs *flag.FlagSet, std, sec *target) {
	fs.StringVar(&std.urls, "standard", "http://127.0.0.1:8080", "standard instance URL; comma-separated for several nodes (env TWINDESK_STANDARD)")
	fs.StringVar(&sec.urls, "secure", "http://127.0.0.1:8081", "secure instance URL; comma-separated for several nodes (env TWINDESK_SECURE)")
	fs.StringVar(&std.email, "standard-email", "", "email of a standard agent or admin (env TWINDESK_STANDARD_EMAIL)")
	fs.StringVar(&std.token, "standard-token", "", "its API token (env TWINDESK_STANDARD_TOKEN)")
	fs.StringVar(&sec.email, "secure-email", "", "email of a secure agent or admin (env TWINDESK_SECURE_EMAIL)")
	fs.StringVar(&sec.token, "secure-token", "", "its API token (env TWINDESK_SECURE_TOKEN)")
}

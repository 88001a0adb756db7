package loadgen

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// SweepPoint is one rate of a sweep.
type SweepPoint struct {
	Rate   float64 // offered requests per second
	Result Result
}

// RunSweep runs the mix at each rate in turn, on the same prepared targets, with
// a pause between steps so the server's queues drain. Each step's table goes to
// w as it completes.
func RunSweep(ctx context.Context, c *Client, cfg MixConfig, rates []float64, pause time.Duration, w io.Writer) ([]SweepPoint, error) {
	if len(rates) == 0 {
		return nil, fmt.Errorf("loadgen: no rates to sweep")
	}
	cfg.Rate = rates[0]
	tg, err := PrepareMix(ctx, c, cfg)
	if err != nil {
		return nil, err
	}
	var out []SweepPoint
	for i, rate := range rates {
		if i > 0 {
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return out, ctx.Err()
			}
		}
		cfg.Rate = rate
		res, err := RunMix(ctx, c, cfg, tg)
		if err != nil {
			return out, err
		}
		res.Print(w)
		out = append(out, SweepPoint{Rate: rate, Result: res})
	}
	return out, nil
}

// ParseRates reads "100,200,500" or "100-1000/100" (from-to/step).
func ParseRates(s string) ([]float64, error) {
	if from, rest, ok := strings.Cut(s, "-"); ok {
		to, step, ok := strings.Cut(rest, "/")
		a, err1 := strconv.ParseFloat(from, 64)
		b, err2 := strconv.ParseFloat(to, 64)
		d, err3 := strconv.ParseFloat(step, 64)
		if !ok || err1 != nil || err2 != nil || err3 != nil || a <= 0 || d <= 0 || b < a {
			return nil, fmt.Errorf("loadgen: rates %q: use from-to/step, e.g. 100-1000/100", s)
		}
		var out []float64
		for r := a; r <= b+1e-9; r += d {
			out = append(out, r)
		}
		return out, nil
	}
	var out []float64
	for _, part := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || r <= 0 {
			return nil, fmt.Errorf("loadgen: rate %q is not a positive number", part)
		}
		out = append(out, r)
	}
	return out, nil
}

// PrintSweep writes the sweep as a Markdown table.
func PrintSweep(w io.Writer, points []SweepPoint) {
	fmt.Fprintln(w, "| offered req/s | achieved req/s | failed | p50 ms | p90 ms | p99 ms | max ms |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, p := range points {
		t := p.Result.Total()
		fmt.Fprintf(w, "| %.0f | %.0f | %d | %.2f | %.2f | %.2f | %.1f |\n", p.Rate, t.Rate, t.Failed,
			msf(t.P50), msf(t.P90), msf(t.P99), msf(t.Max))
	}
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package loadgen

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Recorder collects one latency per request, by operation. It is safe for
// concurrent use.
type Recorder struct {
	mu  sync.Mutex
	ops map[string]*opSamples
}

type opSamples struct {
	lat    []time.Duration
	codes  map[int]int
	failed int // requests without a 2xx answer
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{ops: map[string]*opSamples{}} }

// Record adds one request of op: its latency and status code (0 when no answer
// came). Any code other than 2xx counts as a failure.
func (r *Recorder) Record(op string, lat time.Duration, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.ops[op]
	if !ok {
		s = &opSamples{codes: map[int]int{}}
		r.ops[op] = s
	}
	s.lat = append(s.lat, lat)
	s.codes[code]++
	if code/100 != 2 {
		s.failed++
	}
}

// OpResult summarises one operation. Percentiles cover every request, failed or
// not, so fast errors are visible as failures rather than hidden.
type OpResult struct {
	Op     string
	Count  int
	Failed int
	// Codes counts answers by status; 0 means no answer (connection error).
	Codes              map[int]int
	Rate               float64 // requests per second over the measured time
	P50, P90, P99, Max time.Duration
	Mean               time.Duration
}

// Result is one measured run.
type Result struct {
	Name    string
	Params  string
	Elapsed time.Duration
	// Ops has one entry per operation, by name, then "all" when there are several.
	Ops []OpResult
}

// Op returns the summary of op (or "all"); ok is false when there is none.
func (res Result) Op(op string) (OpResult, bool) {
	for _, o := range res.Ops {
		if o.Op == op {
			return o, true
		}
	}
	return OpResult{}, false
}

// Total is the summary over all operations.
func (res Result) Total() OpResult {
	if o, ok := res.Op("all"); ok {
		return o
	}
	if len(res.Ops) == 1 {
		return res.Ops[0]
	}
	return OpResult{}
}

// Result summarises what was recorded over elapsed.
func (r *Recorder) Result(name, params string, elapsed time.Duration) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := Result{Name: name, Params: params, Elapsed: elapsed}
	names := make([]string, 0, len(r.ops))
	for op := range r.ops {
		names = append(names, op)
	}
	sort.Strings(names)
	all := &opSamples{codes: map[int]int{}}
	for _, op := range names {
		s := r.ops[op]
		res.Ops = append(res.Ops, summarise(op, s, elapsed))
		all.lat = append(all.lat, s.lat...)
		all.failed += s.failed
		for c, n := range s.codes {
			all.codes[c] += n
		}
	}
	if len(names) > 1 {
		res.Ops = append(res.Ops, summarise("all", all, elapsed))
	}
	return res
}

func summarise(op string, s *opSamples, elapsed time.Duration) OpResult {
	lat := slices.Clone(s.lat)
	slices.Sort(lat)
	o := OpResult{Op: op, Count: len(lat), Failed: s.failed, Codes: s.codes}
	if elapsed > 0 {
		o.Rate = float64(len(lat)) / elapsed.Seconds()
	}
	if len(lat) == 0 {
		return o
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	o.Mean = sum / time.Duration(len(lat))
	o.P50, o.P90, o.P99, o.Max = quantile(lat, 0.50), quantile(lat, 0.90), quantile(lat, 0.99), lat[len(lat)-1]
	return o
}

// quantile returns the q-quantile of sorted (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted)) + 0.5)
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

// Print writes res as a table.
func (res Result) Print(w io.Writer) {
	fmt.Fprintf(w, "%s: %s, measured %s\n", res.Name, res.Params, res.Elapsed.Round(time.Millisecond))
	width := 10
	for _, o := range res.Ops {
		width = max(width, len(o.Op))
	}
	fmt.Fprintf(w, "  %-*s %9s %9s %9s %9s %9s %9s %9s  %s\n", width, "op", "requests", "failed", "req/s", "p50", "p90", "p99", "max", "answers")
	for _, o := range res.Ops {
		fmt.Fprintf(w, "  %-*s %9d %9d %9.1f %9s %9s %9s %9s  %s\n", width, o.Op, o.Count, o.Failed, o.Rate,
			ms(o.P50), ms(o.P90), ms(o.P99), ms(o.Max), codes(o.Codes))
	}
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// codes renders status counts: "201:1200 500:3".
func codes(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		label := fmt.Sprint(k)
		if k == 0 {
			label = "no-answer"
		}
		parts[i] = fmt.Sprintf("%s:%d", label, m[k])
	}
	return strings.Join(parts, " ")
}

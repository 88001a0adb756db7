package zdimport

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Counts is what happened to the records of one kind.
type Counts struct {
	Created, Updated, Unchanged, Skipped, Failed int
}

// Problem is one record that could not be carried over, or only in part.
type Problem struct {
	Kind     string
	SourceID int64
	Reason   string
}

// Report is the outcome of a run.
type Report struct {
	mu       sync.Mutex
	Counts   map[string]*Counts
	Problems []Problem
	// Attachments is how many files were copied, Bytes their size.
	Attachments, Bytes int64
	Elapsed            time.Duration
	// Throttled is the time requests waited for a rate limit.
	Throttled time.Duration
}

func newReport() *Report { return &Report{Counts: map[string]*Counts{}} }

func (r *Report) count(kind string, f func(*Counts)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.Counts[kind]
	if c == nil {
		c = &Counts{}
		r.Counts[kind] = c
	}
	f(c)
}

func (r *Report) created(kind string)   { r.count(kind, func(c *Counts) { c.Created++ }) }
func (r *Report) updated(kind string)   { r.count(kind, func(c *Counts) { c.Updated++ }) }
func (r *Report) unchanged(kind string) { r.count(kind, func(c *Counts) { c.Unchanged++ }) }

// skipped counts a record deliberately left out, with why.
func (r *Report) skipped(kind string, id int64, format string, args ...any) {
	r.count(kind, func(c *Counts) { c.Skipped++ })
	r.problem(kind, id, format, args...)
}

// failed counts a record the target refused or that could not be read.
func (r *Report) failed(kind string, id int64, err error) {
	r.count(kind, func(c *Counts) { c.Failed++ })
	r.problem(kind, id, "%v", err)
}

// problem notes a record carried only in part.
func (r *Report) problem(kind string, id int64, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Problems = append(r.Problems, Problem{Kind: kind, SourceID: id, Reason: fmt.Sprintf(format, args...)})
}

// Get returns the counts of kind (zero when none).
func (r *Report) Get(kind string) Counts {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.Counts[kind]; c != nil {
		return *c
	}
	return Counts{}
}

// maxListed bounds the problems printed; the rest are counted.
const maxListed = 200

// Print writes the report: counts per kind, then what was not carried and why.
func (r *Report) Print(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "import finished in %s (%s waiting for rate limits), %d attachments (%d bytes)\n",
		r.Elapsed.Round(time.Millisecond), r.Throttled.Round(time.Millisecond), r.Attachments, r.Bytes)
	kinds := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		c := r.Counts[k]
		fmt.Fprintf(w, "  %-14s created %d, updated %d, unchanged %d, skipped %d, failed %d\n",
			k, c.Created, c.Updated, c.Unchanged, c.Skipped, c.Failed)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "everything was carried over")
		return
	}
	fmt.Fprintf(w, "not carried over (%d):\n", len(r.Problems))
	for i, p := range r.Problems {
		if i == maxListed {
			fmt.Fprintf(w, "  ... and %d more\n", len(r.Problems)-maxListed)
			break
		}
		fmt.Fprintf(w, "  %s %d: %s\n", p.Kind, p.SourceID, p.Reason)
	}
}

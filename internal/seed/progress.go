package seed

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress prints one status line with count, rate and ETA. On a terminal the
// line is redrawn in place; elsewhere (a log file, CI) a line is added every few
// seconds instead.
type progress struct {
	w        io.Writer
	total    int
	start    time.Time
	last     time.Time
	every    time.Duration
	shown    int // the count last printed
	terminal bool
}

// newProgress reports on w, which may be nil.
func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), every: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal, p.every = true, 250*time.Millisecond
		}
	}
	return p
}

// update reports that done tickets are written, at most once per interval.
func (p *progress) update(done int) {
	if p.w == nil || time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	p.print(done)
}

// finish prints the final line.
func (p *progress) finish(done int) {
	if p.w == nil {
		return
	}
	if done != p.shown || p.shown == 0 {
		p.print(done)
	}
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

func (p *progress) print(done int) {
	p.shown = done
	elapsed := time.Since(p.start)
	rate := float64(done) / max(elapsed.Seconds(), 1e-3)
	eta := "-"
	if rate > 0 && done < p.total {
		eta = time.Duration(float64(p.total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(done) / float64(p.total)
	}
	line := fmt.Sprintf("seed: %s/%s tickets (%5.1f%%)  %s tickets/s  elapsed %s  ETA %s",
		thousands(done), thousands(p.total), pct, thousands(int(rate)), elapsed.Round(time.Second), eta)
	if p.terminal {
		fmt.Fprintf(p.w, "\r%-100s", line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// thousands formats n with comma separators: 1234567 -> 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

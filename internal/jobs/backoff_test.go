package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// TestBackoff checks DESIGN section 5: exponential from 1 s, capped at 5 minutes,
// ±20% jitter, and a retry budget of about 24 hours.
func TestBackoff(t *testing.T) {
	t.Parallel()
	delay := func(errs int) time.Duration {
		job := &rivertype.JobRow{Errors: make([]rivertype.AttemptError, errs)}
		return time.Until(backoff{}.NextRetry(job))
	}
	for _, tc := range []struct {
		errs int // errors recorded before the failing attempt
		want time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {8, 256 * time.Second}, {9, maxBackoff}, {200, maxBackoff}} {
		for range 20 {
			got := delay(tc.errs)
			if lo, hi := tc.want*8/10-50*time.Millisecond, tc.want*12/10; got < lo || got > hi {
				t.Errorf("after %d earlier errors: retry in %s, want %s ±20%%", tc.errs, got, tc.want)
			}
		}
	}
	// The budget, from the delays NextRetry itself gives: the jitter of some
	// 290 retries averages out to well within an hour.
	var total time.Duration
	for errs := range maxAttempts - 1 {
		total += delay(errs)
	}
	if total < 23*time.Hour || total > 25*time.Hour {
		t.Errorf("%d attempts span %s, want about 24 h", maxAttempts, total)
	}
	// The jitter is there: twenty delays after the same number of errors differ.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[delay(9).Round(time.Millisecond)] = true
	}
	if len(seen) < 2 {
		t.Errorf("20 retries after 9 errors all wait %v: no jitter", seen)
	}
}

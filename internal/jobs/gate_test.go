package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// countingExecutor answers River's claim query with a set number of jobs and
// counts how often it was asked.
type countingExecutor struct {
	riverdriver.Executor
	calls int
	jobs  int
	err   error
}

func (e *countingExecutor) JobGetAvailable(_ context.Context, _ *riverdriver.JobGetAvailableParams) (*riverdriver.JobGetAvailableResult, error) {
	e.calls++
	res := &riverdriver.JobGetAvailableResult{}
	for range e.jobs {
		res.Jobs = append(res.Jobs, &rivertype.JobRow{})
	}
	return res, e.err
}

// TestFetchGate: polls reach the database for gateOpenFor after a start or a
// wake, while polls come back full or fail, and once per gatePoll otherwise.
func TestFetchGate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1_000_000, 0)
	gate := newFetchGate()
	gate.now = func() time.Time { return now }
	gate.wake()
	inner := &countingExecutor{}
	exec := gatedExecutor{Executor: inner, gate: gate}
	params := &riverdriver.JobGetAvailableParams{MaxToLock: 2}
	poll := func() {
		t.Helper()
		if _, err := exec.JobGetAvailable(ctx, params); err != nil && !errors.Is(err, inner.err) {
			t.Fatal(err)
		}
	}
	expect := func(step string, want int) {
		t.Helper()
		if inner.calls != want {
			t.Fatalf("%s: %d claim queries, want %d", step, inner.calls, want)
		}
	}
	advance := func(d time.Duration) { now = now.Add(d) }

	poll()
	advance(gateOpenFor - time.Millisecond)
	poll()
	expect("open after a wake", 2)
	advance(time.Millisecond)
	poll()
	poll()
	expect("closed after gateOpenFor", 2)

	advance(gatePoll - time.Millisecond) // gatePoll after the last poll that passed
	poll()
	poll()
	expect("one poll per gatePoll", 3)

	inner.jobs = 2 // a full claim: more may be waiting
	advance(gatePoll)
	poll()
	advance(gateOpenFor - time.Millisecond)
	poll()
	expect("open after a full claim", 5)
	inner.jobs = 1
	advance(gateOpenFor)
	poll()
	expect("closed after claims with room to spare", 5)

	inner.err = errors.New("database is locked")
	advance(gatePoll)
	poll()
	advance(gateOpenFor - time.Millisecond)
	poll()
	expect("open after a failed claim", 7)
	inner.err = nil
	advance(gateOpenFor)
	poll()
	expect("closed after a claim that worked", 7)
}

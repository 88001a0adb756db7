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

// TestFetchGate: polls reach the database after a restart, after wake, while a
// poll comes back full or fails, and once per gatePoll otherwise; never twice for
// one wake.
func TestFetchGate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Unix(1_000_000, 0)
	gate := newFetchGate()
	gate.now = func() time.Time { return now }
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

	poll()
	poll()
	expect("start", 1)

	gate.wake()
	poll()
	poll()
	expect("after one wake", 2)

	now = now.Add(gatePoll - time.Millisecond)
	poll()
	expect("before gatePoll", 2)
	now = now.Add(time.Millisecond)
	poll()
	poll()
	expect("at gatePoll", 3)

	gate.wake()
	inner.jobs = 2 // a full claim: more may be waiting
	poll()
	poll()
	expect("while claims come back full", 5)
	inner.jobs = 1
	poll()
	poll()
	expect("after a claim with room to spare", 6)

	gate.wake()
	inner.jobs, inner.err = 0, errors.New("database is locked")
	poll()
	poll()
	expect("while claims fail", 8)
	inner.err = nil
	poll()
	poll()
	expect("after a claim that worked", 9)
}

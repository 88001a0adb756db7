package jobs

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river/riverdriver"
)

// gatePoll is how often a gated producer polls the jobs table even though no job
// was enqueued through this process: for retries whose backoff ran out, jobs
// rescued from a dead worker, and jobs inserted by another process.
const gatePoll = 250 * time.Millisecond

// gateOpenFor is how long polls reach the database after a wake. A wake comes
// right after the commit that made a job available, and one poll would do; but
// closing the gate behind that single poll cost escalations 5-10 ms at the median
// (measured, cause not found), so polls go on as before for a while.
const gateOpenFor = 100 * time.Millisecond

// fetchGate spares the database River's polls for available jobs while this
// process knows that none can be waiting. On SQLite the poll runs on the single
// writer connection: every 10-20 ms it parsed and ran River's claim query, which
// took 6% of the server's CPU and held the writer away from API requests even when
// the queue was empty. The gate opens for gateOpenFor when a transaction that
// enqueued a job commits and when a job is made available again, and lets one poll
// through every gatePoll for whatever changed without it.
type fetchGate struct {
	lastWake  atomic.Int64 // unix nanoseconds
	lastFetch atomic.Int64
	now       func() time.Time
}

func newFetchGate() *fetchGate {
	g := &fetchGate{now: time.Now}
	g.wake() // jobs left from before a restart
	return g
}

// wake opens the gate for gateOpenFor.
func (g *fetchGate) wake() { g.lastWake.Store(g.now().UnixNano()) }

// pass reports whether a poll should reach the database.
func (g *fetchGate) pass() bool {
	now := g.now().UnixNano()
	if now-g.lastWake.Load() < int64(gateOpenFor) || now-g.lastFetch.Load() >= int64(gatePoll) {
		g.lastFetch.Store(now)
		return true
	}
	return false
}

// gatedDriver is River's driver with the producer's poll behind a fetchGate.
type gatedDriver struct {
	riverdriver.Driver[*sql.Tx]
	gate *fetchGate
}

func (d gatedDriver) GetExecutor() riverdriver.Executor {
	return gatedExecutor{Executor: d.Driver.GetExecutor(), gate: d.gate}
}

type gatedExecutor struct {
	riverdriver.Executor
	gate *fetchGate
}

func (e gatedExecutor) JobGetAvailable(ctx context.Context, params *riverdriver.JobGetAvailableParams) (*riverdriver.JobGetAvailableResult, error) {
	if !e.gate.pass() {
		return &riverdriver.JobGetAvailableResult{}, nil
	}
	res, err := e.Executor.JobGetAvailable(ctx, params)
	if err != nil || len(res.Jobs) >= params.MaxToLock {
		e.gate.wake() // failed, or more may be waiting than this poll could take
	}
	return res, err
}

package jobs

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// AutomationArgs is one scheduled automation run; Period numbers it (the
// schedule's instant divided by the interval), which makes it unique.
type AutomationArgs struct {
	Period int64 `json:"period"`
}

// Kind names the job type.
func (AutomationArgs) Kind() string { return "automations" }

// InsertOpts: one job per period even if two nodes both believe they lead
// (River's periodic jobs are inserted by the elected leader alone), and a few
// retries for a run that failed.
func (AutomationArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: deliveryQueue, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AutomationRunner runs the automations once: desk.Service.
type AutomationRunner interface {
	RunAutomations(ctx context.Context) (model.AutomationStats, error)
}

type automationWorker struct {
	river.WorkerDefaults[AutomationArgs]
	q      *Queue
	runner atomic.Pointer[AutomationRunner]
	node   string
}

// Timeout: a run over a large backlog may take minutes; the delivery timeout
// is far too short for it.
func (w *automationWorker) Timeout(*river.Job[AutomationArgs]) time.Duration { return 30 * time.Minute }

// Work claims the run's period in automation_runs, so however the job reached
// this node (a retry, a second leader's insert) the period runs once, and
// records what the run did.
func (w *automationWorker) Work(ctx context.Context, job *river.Job[AutomationArgs]) error {
	r := w.runner.Load()
	if r == nil {
		return nil // this process schedules none (a tool, a test)
	}
	period := job.Args.Period
	var claimed bool
	err := w.q.db.WriteTx(ctx, func(tx *store.Tx) error {
		var err error
		claimed, err = tx.ClaimAutomationRun(ctx, period, w.node, time.Now())
		return err
	})
	if err != nil || !claimed {
		return err
	}
	start := time.Now()
	st, err := (*r).RunAutomations(ctx)
	if err != nil {
		w.q.log.Error("automation run failed", "period", period, "err", err)
		release := context.WithoutCancel(ctx)
		if rerr := w.q.db.WriteTx(release, func(tx *store.Tx) error { return tx.ReleaseAutomationRun(release, period) }); rerr != nil {
			w.q.log.Error("automation run: release claim", "period", period, "err", rerr)
		}
		return fmt.Errorf("jobs: automation run %d: %w", period, err)
	}
	w.q.log.Info("automations ran", "period", period, "candidates", st.Candidates, "tickets", st.Updated,
		"fired", st.Fired, "transactions", st.Transactions, "took", time.Since(start).Round(time.Millisecond))
	return w.q.db.WriteTx(ctx, func(tx *store.Tx) error {
		return tx.FinishAutomationRun(ctx, period, time.Now(), st.Candidates, st.Fired)
	})
}

// alignedSchedule fires at the multiples of every since the Unix epoch, so a
// newly elected leader keeps the old one's instants and period numbers.
type alignedSchedule struct{ every time.Duration }

func (s alignedSchedule) Next(now time.Time) time.Time {
	return now.Truncate(s.every).Add(s.every)
}

// ScheduleAutomations makes r run every interval, once across all nodes
// sharing the database: River's leader inserts one job per period and the
// worker that takes it claims the period. The first run comes at start-up
// unless the current period already ran. Call it before Start.
func (q *Queue) ScheduleAutomations(r AutomationRunner, every time.Duration) {
	if every <= 0 {
		return
	}
	host, _ := os.Hostname()
	q.auto.node = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:6])
	q.auto.runner.Store(&r)
	q.client.PeriodicJobs().Add(river.NewPeriodicJob(alignedSchedule{every: every},
		func() (river.JobArgs, *river.InsertOpts) {
			return AutomationArgs{Period: time.Now().UnixNano() / int64(every)}, nil
		}, &river.PeriodicJobOpts{ID: "automations", RunOnStart: true}))
}

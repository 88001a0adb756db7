package desk

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/store"
)

// scrubLimit bounds one after-purge step. On PostgreSQL it rebuilds the
// full-text index, which took 77 s at 200,000 tickets on a loaded 2-core machine;
// a scrub cut short fails and is retried, so the limit must leave it room.
const scrubLimit = 30 * time.Minute

// scrubDuty keeps PostgreSQL's scrubs to a share of the time: the next starts no
// sooner than scrubDuty times the last one's duration after it started (and no
// sooner than the scrub interval).
const scrubDuty = 4

// The scrub loop's pauses: after a failed scrub it waits scrubRetryMin, doubling
// up to scrubRetryMax; with nothing owed it looks again every scrubPoll (a purge
// whose own scrub failed wakes it at once).
const (
	scrubRetryMin = time.Second
	scrubRetryMax = time.Minute
	scrubPoll     = 30 * time.Second
)

// pgScrubInterval is the least time between two scrubs on PostgreSQL, where a
// scrub rebuilds the full-text and tag indexes (see WithScrubInterval).
const pgScrubInterval = 5 * time.Minute

// WithScrubInterval sets the least time between the starts of two scrubs; purges
// within it are scrubbed together when it ends. The default is none on SQLite (a
// scrub is a WAL checkpoint) and pgScrubInterval on PostgreSQL, where a scrub
// rebuilds indexes whose cost grows with the database. Purged text stays readable
// in the data files for at most this long plus one scrub.
func WithScrubInterval(d time.Duration) Option {
	return func(s *Service) { s.scrubber.interval, s.scrubber.intervalSet = d, true }
}

// scrubber lets concurrent purges share the backend's after-purge step (VACUUM on
// PostgreSQL, a WAL checkpoint on SQLite), like a group commit: one scrub runs at a
// time, and it covers every purge committed before it started. The kill test found
// why: on PostgreSQL each purge ran its own VACUUM, the VACUUMs queued behind each
// other's locks, a burst of escalation purges took longer than the webhook's 10 s
// timeout, and the cancelled request aborted its VACUUM, leaving the purged rows'
// bytes in the table files until autovacuum.
//
// Each purge also records a scrub owed in its transaction (store.OweScrub), and a
// successful scrub clears what it covered, so a scrub that fails (a reader holds
// the WAL) or never runs (the process is killed) is not forgotten: RunScrubs
// retries until one succeeds, after a restart too.
type scrubber struct {
	mu      sync.Mutex
	started uint64        // scrubs started so far
	done    uint64        // the last scrub finished
	err     error         // the last finished scrub's error
	running bool          // a scrub is running
	wake    chan struct{} // closed when the running scrub ends
	last    time.Time     // when the last scrub started
	took    time.Duration // how long the last finished scrub ran

	interval    time.Duration
	intervalSet bool
	retryOnce   sync.Once
	retry       chan struct{} // wakes RunScrubs: something is owed
}

func (sc *scrubber) retryChan() chan struct{} {
	sc.retryOnce.Do(func() { sc.retry = make(chan struct{}, 1) })
	return sc.retry
}

// kick wakes RunScrubs without waiting for it.
func (sc *scrubber) kick() {
	select {
	case sc.retryChan() <- struct{}{}:
	default:
	}
}

// scrubInterval is the least time between two scrubs' starts.
func (s *Service) scrubInterval() time.Duration {
	if s.scrubber.intervalSet {
		return s.scrubber.interval
	}
	if s.db.Dialect().Name == "postgres" {
		return pgScrubInterval
	}
	return 0
}

// scrubDueIn is how long until the next scrub may start.
func (s *Service) scrubDueIn() time.Duration {
	sc := &s.scrubber
	sc.mu.Lock()
	defer sc.mu.Unlock()
	interval := s.scrubInterval()
	if sc.last.IsZero() || interval == 0 {
		return 0
	}
	return max(0, max(interval, scrubDuty*sc.took)-s.now().Sub(sc.last))
}

// scrub runs after a purge has committed. Without a scrub interval (SQLite) it
// scrubs before returning; with one (PostgreSQL, where rebuilding indexes takes
// longer than a webhook waits for its answer) it wakes RunScrubs, which scrubs
// when the interval allows. The purge's owed row outlives a failure, so a
// failure is logged and left to RunScrubs rather than returned: the caller's
// request did succeed.
func (s *Service) scrub(ctx context.Context) {
	// Purged files first: a file store's deletes were owed by the purge (attachments.go).
	s.PayBlobDeletes(context.WithoutCancel(ctx))
	if s.scrubInterval() > 0 {
		s.scrubber.kick()
		return
	}
	// The request may end before the scrub does; the scrub goes on.
	if err := s.scrubNow(context.WithoutCancel(ctx)); err != nil {
		s.log.WarnContext(ctx, "scrub after purge failed; it stays owed and is retried", "err", err)
		s.scrubber.kick()
	}
}

// scrubNow returns once a scrub that started after this call has finished, with
// that scrub's error. The scrub runs with the context of the caller that started
// it: the scrub loop's ends at shutdown (a cut-short index rebuild is cleaned up
// by the next scrub), a request's never (scrub passes it without cancel).
func (s *Service) scrubNow(ctx context.Context) error {
	sc := &s.scrubber
	sc.mu.Lock()
	defer sc.mu.Unlock()
	want := sc.started + 1
	for sc.done < want {
		if sc.running {
			wake := sc.wake
			sc.mu.Unlock()
			<-wake
			sc.mu.Lock()
			continue
		}
		sc.started++
		gen := sc.started
		start, prevLast, prevTook := s.now(), sc.last, sc.took
		sc.running, sc.wake, sc.last = true, make(chan struct{}), start
		sc.mu.Unlock()
		err := s.runScrub(ctx)
		sc.mu.Lock()
		sc.running, sc.done, sc.err, sc.took = false, gen, err, s.now().Sub(start)
		if err != nil {
			// The interval spaces out finished scrubs (their index rebuilds); a
			// failed one, most often one that waited for an older transaction,
			// is retried on RunScrubs' pause instead, so a writer that outlives
			// one attempt doesn't push the purge's scrub a whole interval away.
			sc.last, sc.took = prevLast, prevTook
		}
		close(sc.wake)
	}
	return sc.err
}

func (s *Service) runScrub(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, scrubLimit)
	defer cancel()
	return s.db.Scrub(ctx)
}

// ScrubDebt reports the scrubs owed: how many purges wait for one and since when
// (for metrics and health checks).
func (s *Service) ScrubDebt(ctx context.Context) (store.ScrubDebt, error) {
	return s.db.ScrubDebt(ctx)
}

// StartScrubs runs RunScrubs in the background until ctx ends or the returned
// stop is called; stop waits for it to return (a scrub it was running is cut
// short and stays owed).
func (s *Service) StartScrubs(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunScrubs(ctx)
	}()
	return func() { cancel(); <-done }
}

// RunScrubs pays the scrubs owed until ctx ends: at once on start (a process
// killed between a purge and its scrub left one owed), then whenever a purge's
// own scrub failed or was deferred, retrying a failed scrub with a growing pause.
// Each wait is logged with how long the debt has been owed and why.
func (s *Service) RunScrubs(ctx context.Context) {
	pause := time.Duration(0)
	for {
		wait := s.payScrubs(ctx, &pause)
		if !s.sleepScrub(ctx, wait) {
			return
		}
	}
}

// payScrubs runs one round of RunScrubs and returns how long to wait before the
// next. pause is the current retry pause, grown after each failure.
func (s *Service) payScrubs(ctx context.Context, pause *time.Duration) time.Duration {
	debt, err := s.db.ScrubDebt(ctx)
	switch {
	case ctx.Err() != nil:
		return 0
	case err != nil:
		*pause = nextScrubPause(*pause)
		s.log.WarnContext(ctx, "scrubs owed: can't read them", "err", err, "retry_in", *pause)
		return *pause
	case debt.Count == 0:
		*pause = 0
		return scrubPoll
	}
	if due := s.scrubDueIn(); due > 0 {
		s.log.InfoContext(ctx, "scrub owed; waiting for the scrub interval", "owed", debt.Count,
			"owed_since", debt.Since, "in", due)
		return due
	}
	if err := s.scrubNow(ctx); err != nil {
		*pause = nextScrubPause(*pause)
		// The error says what it waits for (a reader holding the WAL, a lock); it
		// holds no ticket text.
		s.log.WarnContext(ctx, fmt.Sprintf("scrub owed since %s, %d attempts, waiting: %v",
			debt.Since.Format(time.RFC3339), debt.Attempts+1, err),
			"owed", debt.Count, "owed_since", debt.Since, "attempts", debt.Attempts+1, "retry_in", *pause)
		return *pause
	}
	*pause = 0
	s.log.InfoContext(ctx, "scrub owed done", "purges", debt.Count, "owed_since", debt.Since,
		"attempts", debt.Attempts+1)
	return 0
}

// sleepScrub waits d, or less when a purge asks for a scrub; false when ctx ended.
func (s *Service) sleepScrub(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-s.scrubber.retryChan():
	}
	return true
}

func nextScrubPause(p time.Duration) time.Duration {
	return min(max(scrubRetryMin, 2*p), scrubRetryMax)
}

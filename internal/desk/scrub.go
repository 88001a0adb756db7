package desk

import (
	"context"
	"sync"
	"time"
)

// scrubLimit bounds one after-purge step.
const scrubLimit = time.Minute

// scrubber lets concurrent purges share the backend's after-purge step (VACUUM on
// PostgreSQL, a WAL checkpoint on SQLite), like a group commit: one scrub runs at a
// time, and it covers every purge committed before it started. The kill test found
// why: on PostgreSQL each purge ran its own VACUUM, the VACUUMs queued behind each
// other's locks, a burst of escalation purges took longer than the webhook's 10 s
// timeout, and the cancelled request aborted its VACUUM, leaving the purged rows'
// bytes in the table files until autovacuum.
type scrubber struct {
	mu      sync.Mutex
	started uint64        // scrubs started so far
	done    uint64        // the last scrub finished
	running bool          // a scrub is running
	wake    chan struct{} // closed when the running scrub ends
}

// scrub returns once a scrub that started after this call has finished. The purge
// has committed by then, so a failure is logged rather than returned: the caller's
// request did succeed. A caller that stops waiting (its context ends) does not
// abort the scrub.
func (s *Service) scrub(ctx context.Context) {
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
		sc.running, sc.wake = true, make(chan struct{})
		sc.mu.Unlock()
		s.runScrub(ctx)
		sc.mu.Lock()
		sc.running, sc.done = false, gen
		close(sc.wake)
	}
}

func (s *Service) runScrub(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), scrubLimit)
	defer cancel()
	if err := s.db.Scrub(ctx); err != nil {
		s.log.ErrorContext(ctx, "scrub after purge failed; freed pages may still hold purged text", "err", err)
	}
}

// Package mailhealth keeps what each mailbox's poller last did, for the admin
// page, the API and /metrics: a mailbox that stops fetching must be seen at once
// (osTicket users found theirs stopped after ten days).
package mailhealth

import (
	"slices"
	"sync"
	"time"
)

// State is what the admin page and /metrics show of one mailbox.
type State struct {
	ID        int64
	Name      string
	LastOK    time.Time // the last completed check
	Fetched   int64     // mails taken since start
	LastError string
	// FailingSince is when checks started failing; zero while they succeed.
	FailingSince time.Time
}

// StaleAfter is how long a mailbox may go without a completed check before it
// counts as failing although no error was seen: a connection stuck on a server
// that stopped answering fails nothing, it only stops fetching.
const StaleAfter = 5 * time.Minute

// Failing reports whether the mailbox is failing at now: its last check failed,
// or none completed for StaleAfter.
func (s State) Failing(now time.Time) bool {
	return !s.FailingSince.IsZero() || (!s.LastOK.IsZero() && now.Sub(s.LastOK) > StaleAfter)
}

// Health keeps each mailbox's State. The zero value is ready; a nil *Health
// records nothing.
type Health struct {
	mu sync.Mutex
	m  map[int64]*State
}

func (h *Health) state(id int64, name string) *State {
	if h.m == nil {
		h.m = map[int64]*State{}
	}
	s := h.m[id]
	if s == nil {
		s = &State{ID: id}
		h.m[id] = s
	}
	s.Name = name
	return s
}

// Fetched records a completed check that took n mails.
func (h *Health) Fetched(id int64, name string, n int) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.state(id, name)
	s.LastOK, s.FailingSince, s.LastError = time.Now(), time.Time{}, ""
	s.Fetched += int64(n)
}

// Failed records a failed connection or check.
func (h *Health) Failed(id int64, name string, err error) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.state(id, name)
	if s.FailingSince.IsZero() {
		s.FailingSince = time.Now()
	}
	if err != nil {
		s.LastError = err.Error()
	}
}

// Forget drops a mailbox that was removed.
func (h *Health) Forget(id int64) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, id)
}

// States lists every mailbox's state by id.
func (h *Health) States() []State {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]State, 0, len(h.m))
	for _, s := range h.m {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b State) int { return int(a.ID - b.ID) })
	return out
}

package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Login throttling: after maxLoginFailures wrong passwords for one email from one
// address within loginFailWindow, further attempts are refused without running
// bcrypt, which both slows password guessing and keeps guesses from eating the
// CPU. The state is per node and in memory: losing it on restart only resets
// the counters.
const (
	maxLoginFailures = 10
	loginFailWindow  = 15 * time.Minute
	// maxThrottleKeys bounds the map against floods of made-up emails.
	maxThrottleKeys = 10000
)

type loginThrottle struct {
	mu    sync.Mutex
	fails map[string]*failWindow
}

type failWindow struct {
	n     int
	since time.Time
}

func newLoginThrottle() *loginThrottle { return &loginThrottle{fails: map[string]*failWindow{}} }

// throttleKey is the email and the client's address.
func throttleKey(r *http.Request, email string) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return strings.ToLower(strings.TrimSpace(email)) + "|" + host
}

// blocked reports whether key has used up its failures in the current window.
func (l *loginThrottle) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.fails[key]
	return ok && now.Sub(w.since) < loginFailWindow && w.n >= maxLoginFailures
}

// fail counts a wrong password for key.
func (l *loginThrottle) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.fails[key]
	if !ok || now.Sub(w.since) >= loginFailWindow {
		if len(l.fails) >= maxThrottleKeys {
			l.prune(now)
		}
		w = &failWindow{since: now}
		l.fails[key] = w
	}
	w.n++
}

// reset forgets key after a successful login.
func (l *loginThrottle) reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}

// prune drops expired windows, and everything if that is not enough.
func (l *loginThrottle) prune(now time.Time) {
	for k, w := range l.fails {
		if now.Sub(w.since) >= loginFailWindow {
			delete(l.fails, k)
		}
	}
	if len(l.fails) >= maxThrottleKeys {
		clear(l.fails)
	}
}

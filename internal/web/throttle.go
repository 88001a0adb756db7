package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Login throttling: after maxLoginFailures wrong passwords for one email from one
// address, or maxAddressFailures for any emails from one address, within
// loginFailWindow, further attempts are refused without running bcrypt, which
// both slows password guessing and keeps guesses from eating the CPU. The state
// is per node and in memory: losing it on restart only resets the counters.
const (
	maxLoginFailures   = 10
	maxAddressFailures = 100
	loginFailWindow    = 15 * time.Minute
	// maxThrottleKeys bounds the map against floods of made-up emails.
	maxThrottleKeys = 10000
)

// loginThrottle counts failures per (email, address) and per address. A full map
// makes room by dropping expired windows, then windows that block nobody; a
// window that blocks is kept until it expires, so made-up emails can't unlock a
// victim. If making room leaves the map more than nine tenths full of blocking
// windows, the map is saturated (a flood from many addresses): every failure
// then also counts in overflow, a window shared by all, and once it reaches
// maxAddressFailures every login is refused until it ends. Such a flood thus
// locks everyone out for a while rather than granting guesses without limit.
type loginThrottle struct {
	mu       sync.Mutex
	fails    map[string]*failWindow
	overflow failWindow
}

type failWindow struct {
	n     int
	limit int
	since time.Time
}

func (w *failWindow) live(now time.Time) bool { return now.Sub(w.since) < loginFailWindow }

func (w *failWindow) blocks(now time.Time) bool { return w.live(now) && w.n >= w.limit }

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{fails: map[string]*failWindow{}, overflow: failWindow{limit: maxAddressFailures}}
}

// clientAddress is the host part of the request's remote address.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttleKeys returns the (email, address) key and the address key.
func throttleKeys(email, addr string) (string, string) {
	return "e|" + strings.ToLower(strings.TrimSpace(email)) + "|" + addr, "a|" + addr
}

// blocked reports whether email from addr has used up its failures.
func (l *loginThrottle) blocked(email, addr string, now time.Time) bool {
	ek, ak := throttleKeys(email, addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.overflow.blocks(now) {
		return true
	}
	if w, ok := l.fails[ak]; ok && w.blocks(now) {
		return true
	}
	if w, ok := l.fails[ek]; ok {
		return w.blocks(now)
	}
	return false
}

// fail counts a wrong password for email from addr.
func (l *loginThrottle) fail(email, addr string, now time.Time) {
	ek, ak := throttleKeys(email, addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count(ek, maxLoginFailures, now)
	l.count(ak, maxAddressFailures, now)
}

// reset forgets the email's failures from addr after a successful login. The
// address's count stays: a guesser who owns an account could otherwise clear it.
func (l *loginThrottle) reset(email, addr string) {
	ek, _ := throttleKeys(email, addr)
	l.mu.Lock()
	delete(l.fails, ek)
	l.mu.Unlock()
}

func (l *loginThrottle) count(key string, limit int, now time.Time) {
	w, ok := l.fails[key]
	if !ok || !w.live(now) {
		if len(l.fails) >= maxThrottleKeys && l.makeRoom(now) {
			l.countOverflow(now)
		}
		if len(l.fails) >= maxThrottleKeys {
			return
		}
		w = &failWindow{limit: limit, since: now}
		l.fails[key] = w
	}
	w.n++
}

func (l *loginThrottle) countOverflow(now time.Time) {
	if !l.overflow.live(now) {
		l.overflow.n, l.overflow.since = 0, now
	}
	l.overflow.n++
}

// makeRoom drops expired windows, then windows that block nobody until the map
// is nine tenths full (a batch, so a flood doesn't scan the map on every
// failure). It reports whether the map is still fuller than that: saturated.
func (l *loginThrottle) makeRoom(now time.Time) bool {
	for k, w := range l.fails {
		if !w.live(now) {
			delete(l.fails, k)
		}
	}
	target := maxThrottleKeys - maxThrottleKeys/10
	for k, w := range l.fails {
		if len(l.fails) <= target {
			break
		}
		if !w.blocks(now) {
			delete(l.fails, k)
		}
	}
	return len(l.fails) > target
}

package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter is a token bucket per user. Limits are per node: with several nodes the
// effective budget is the sum, which is acceptable for abuse protection.
type limiter struct {
	perMinute int
	mu        sync.Mutex
	buckets   map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute int) *limiter {
	return &limiter{perMinute: perMinute, buckets: map[int64]*bucket{}}
}

// allow takes one token from user's bucket. It answers the whole requests left,
// how long until the bucket is full again, and, when it was empty, how long to
// wait for a token.
func (l *limiter) allow(user int64, now time.Time) (remaining int, reset, wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rate := float64(l.perMinute) / 60
	b, found := l.buckets[user]
	if !found {
		b = &bucket{tokens: float64(l.perMinute), last: now}
		l.buckets[user] = b
	}
	b.tokens = min(float64(l.perMinute), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		wait = time.Duration((1 - b.tokens) / rate * float64(time.Second))
	} else {
		b.tokens--
		ok = true
	}
	reset = time.Duration((float64(l.perMinute) - b.tokens) / rate * float64(time.Second))
	return int(b.tokens), reset, wait, ok
}

// admit spends one of user's requests and sends Zendesk's rate-limit headers
// (X-Rate-Limit and X-Rate-Limit-Remaining, and the ticketing APIs'
// ratelimit-limit, -remaining and -reset, in seconds until the budget is whole
// again), so a client paces itself before it is refused. With the budget spent
// it answers 429 with Retry-After and reports false. Without a limit
// (--rate-limit 0) it sends no headers: there is no limit to announce.
func (l *limiter) admit(w http.ResponseWriter, user int64, now time.Time) bool {
	if l.perMinute <= 0 {
		return true
	}
	remaining, reset, wait, ok := l.allow(user, now)
	h := w.Header()
	limit := strconv.Itoa(l.perMinute)
	h.Set("X-Rate-Limit", limit)
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("Ratelimit-Limit", limit)
	h.Set("Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("Ratelimit-Reset", strconv.Itoa(int(math.Ceil(reset.Seconds()))))
	if !ok {
		h.Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeJSON(w, http.StatusTooManyRequests, errorBody{Error: "TooManyRequests", Description: "Rate limit exceeded; retry after the number of seconds in Retry-After"})
	}
	return ok
}

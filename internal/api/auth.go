package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/model"
)

// handlerFunc is an API handler that returns its error instead of writing it, so
// every error goes through writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type userKey struct{}

// currentUser returns the authenticated user of the request.
func currentUser(ctx context.Context) model.User {
	u, _ := ctx.Value(userKey{}).(model.User)
	return u
}

// authenticated accepts HTTP Basic "email/token:TOKEN" and "Bearer TOKEN"; anything
// else is a 401 in Zendesk's shape. It also applies the per-user rate limit.
func (s *Server) authenticated(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r)
		u, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if u.Role == model.RolePeer {
			// Metrics count the peer's refused requests (any 4xx): a peer that
			// keeps being refused is misconfigured or being abused.
			httpx.SetPeer(r)
		}
		if u.Role == model.RolePeer && !peerAllowed(r) {
			s.writeError(w, r, errForbidden)
			return
		}
		if wait, ok := s.limiter.allow(u.ID, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			writeJSON(w, http.StatusTooManyRequests, errorBody{Error: "TooManyRequests", Description: "Rate limit exceeded; retry after the number of seconds in Retry-After"})
			return
		}
		ctx := context.WithValue(r.Context(), userKey{}, u)
		r = r.WithContext(context.WithValue(ctx, baseURLKey{}, s.cfg.BaseURL))
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (model.User, error) {
	var email, token string
	if user, pass, ok := r.BasicAuth(); ok {
		var isToken bool
		email, isToken = strings.CutSuffix(user, "/token")
		if !isToken {
			return model.User{}, errUnauthorized // password API access is not offered
		}
		token = pass
	} else if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = strings.TrimSpace(t)
	}
	if token == "" {
		return model.User{}, errUnauthorized
	}
	u, err := s.desk.Authenticate(r.Context(), token)
	if err != nil {
		return model.User{}, errUnauthorized
	}
	if email != "" && subtle.ConstantTimeCompare([]byte(strings.ToLower(email)), []byte(u.Email)) != 1 {
		return model.User{}, errUnauthorized
	}
	return u, nil
}

// requireStaffAPI answers 403 to end users on agent endpoints.
func requireStaffAPI(r *http.Request) (model.User, error) {
	u := currentUser(r.Context())
	if !u.Role.IsStaff() {
		return u, errForbidden
	}
	return u, nil
}

// retryAfterSeconds is the Retry-After sent with 429 answers not produced by the limiter.
const retryAfterSeconds = 10

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

// allow takes one token from user's bucket; when empty it says how long to wait.
func (l *limiter) allow(user int64, now time.Time) (time.Duration, bool) {
	if l.perMinute <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	rate := float64(l.perMinute) / 60
	b, ok := l.buckets[user]
	if !ok {
		b = &bucket{tokens: float64(l.perMinute), last: now}
		l.buckets[user] = b
	}
	b.tokens = min(float64(l.perMinute), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

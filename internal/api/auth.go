package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
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
		if !s.limiter.admit(w, u.ID, time.Now()) {
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

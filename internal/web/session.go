package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/twindesk/twindesk/internal/model"
)

// The session cookie holds the random session id (the database keeps its
// digest); the login cookie holds the anti-forgery token of the login form, which
// is posted before any session exists (double-submit: cookie and form field must
// match). Both are named per instance (httpx.SessionCookie).

// maxFormBytes bounds every posted form.
const maxFormBytes = 1 << 20

// request is what an authenticated handler knows about its caller.
type request struct {
	user  model.User
	csrf  string
	token string
	// files is a multipart post's unread rest (routes that take files only).
	files *fileParts
}

// handlerFunc is a web handler that returns its error instead of writing it, so
// every error goes through fail.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rq *request) error

// secure reports whether cookies must carry the Secure flag.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// sameToken compares two tokens in constant time; empty never matches.
func sameToken(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// session resolves the request's session cookie, or fails with model.ErrNotFound.
func (s *Server) session(r *http.Request) (*request, error) {
	c, err := r.Cookie(s.sessionCookie)
	if err != nil || c.Value == "" {
		return nil, model.ErrNotFound
	}
	sess, err := s.desk.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &request{user: sess.User, csrf: sess.CSRF, token: c.Value}, nil
}

// authed requires a valid session. GETs without one are sent to the login page;
// POSTs must also carry the session's CSRF token.
func (s *Server) authed(h handlerFunc) http.Handler { return s.guard(h, false) }

// authedFiles is authed for a form that may carry files (multipart): the CSRF
// token is checked before any file is read, and the handler stores the files
// (receiveFiles).
func (s *Server) authedFiles(h handlerFunc) http.Handler { return s.guard(h, true) }

func (s *Server) guard(h handlerFunc, files bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq, err := s.session(r)
		if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrForbidden) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.render(w, r, nil, http.StatusUnauthorized, "error.html", http.StatusText(http.StatusUnauthorized), errorData{
				Status:   http.StatusUnauthorized,
				Messages: []string{"Your session has ended. Log in again, then repeat the change. A reply you typed is kept in this browser tab and comes back on the ticket page."},
				Next:     returnPage(r.URL.Path)})
			return
		}
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if r.Method == http.MethodPost {
			if err := s.readPost(w, r, rq, files); err != nil {
				s.fail(w, r, rq, err)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), rq.csrf) {
				s.fail(w, r, rq, errCSRF)
				return
			}
		}
		if err := h(w, r, rq); err != nil {
			s.fail(w, r, rq, err)
		}
	})
}

// returnPage is the page to go back to after logging in again from a post to
// path: the ticket's page for a ticket form, else the home page.
func returnPage(path string) string {
	if path == "/tickets" {
		return "/tickets/new" // the new-ticket form; its text is kept in the tab
	}
	rest, ok := strings.CutPrefix(path, "/tickets/")
	if !ok {
		return "/"
	}
	id, _, _ := strings.Cut(rest, "/")
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		return "/"
	}
	return "/tickets/" + id
}

// admin is authed plus the admin role.
func (s *Server) admin(h handlerFunc) http.Handler {
	return s.authed(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if rq.user.Role != model.RoleAdmin {
			return &httpError{http.StatusForbidden, "Only admins can open the admin pages."}
		}
		return h(w, r, rq)
	})
}

// loginData is what the login page shows.
type loginData struct {
	Email string
	Next  string
	Error string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.session(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

// renderLogin shows the login form with its anti-forgery token. A token the
// browser already holds is kept, so a second tab (or a stray request that lands
// on the login page) doesn't invalidate the form of the first.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	token := newToken()
	if c, err := r.Cookie(s.loginCookie); err == nil && len(c.Value) == len(token) {
		token = c.Value
	}
	s.setCookie(w, r, s.loginCookie, token, "/login", 3600)
	s.render(w, r, &request{csrf: token}, status, "login.html", "Log in", d)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, nil, &httpError{http.StatusBadRequest, "The form could not be read."})
		return
	}
	d := loginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	c, err := r.Cookie(s.loginCookie)
	if err != nil || !sameToken(c.Value, r.PostFormValue("csrf")) {
		d.Error = "The login form expired or was not sent from this site. Please try again."
		s.renderLogin(w, r, http.StatusForbidden, d)
		return
	}
	addr, now := clientAddress(r), time.Now()
	if s.throttle.blocked(d.Email, addr, now) {
		d.Error = "Too many wrong passwords. Wait 15 minutes, or ask an admin to set a new password."
		s.renderLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	sess, err := s.desk.Login(r.Context(), d.Email, r.PostFormValue("password"))
	if errors.Is(err, model.ErrForbidden) {
		s.throttle.fail(d.Email, addr, now)
		d.Error = "Wrong email or password, or this account can't use the agent interface."
		s.renderLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.throttle.reset(d.Email, addr)
	s.setCookie(w, r, s.loginCookie, "", "/login", -1)
	// A browser-session cookie: the server-side expiry (desk.SessionTTL, sliding)
	// decides how long it is honoured.
	s.setCookie(w, r, s.sessionCookie, sess.Token, "/", 0)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.desk.Logout(r.Context(), rq.token); err != nil {
		return err
	}
	s.setCookie(w, r, s.sessionCookie, "", "/", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect on this site. Browsers drop tabs and
// newlines anywhere in a URL and read "\\" as "/", so "/\t/evil", "/\\evil" and
// "//evil" all lead to another origin. The check therefore runs on the value with
// control characters and spaces removed, and again on each percent-decoding of it
// (a proxy or a later redirect may decode once more): every form must be a path
// that starts with one "/" followed by something other than "/" or "\\".
func safeNext(next string) string {
	clean := stripInvisible(next)
	for p, i := clean, 0; i < 3; i++ {
		if !localPath(p) {
			return "/"
		}
		d, err := url.PathUnescape(p)
		if err != nil {
			return "/"
		}
		if d = stripInvisible(d); d == p {
			break
		}
		p = d
	}
	return clean
}

// localPath reports whether p is "/" or "/x..." with x neither "/" nor "\\", and
// parses as a URL without scheme or host.
func localPath(p string) bool {
	if p != "/" && (len(p) < 2 || p[0] != '/' || p[1] == '/' || p[1] == '\\') {
		return false
	}
	if strings.Contains(p, "\\") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// stripInvisible removes what a browser ignores or strips inside a URL: control
// characters, white space and invisible format characters.
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// newToken returns 32 random bytes, URL-safe base64.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/model"
)

// pageTemplate is one page: the layout plus the page's "content" template.
type pageTemplate = *template.Template

// page is what every template receives: the view helper's preloaded user, CSRF
// token and flash message, plus the page's own data.
type page struct {
	Title   string
	User    model.User
	IsAdmin bool
	CSRF    string
	Flash   string
	Query   string
	Data    any
	// Zone is the time zone the page's times are in (the agent's).
	Zone string
	// Desk says which instance this is, on every page and in its title, so an
	// agent never types payroll details into the IT desk or the reverse.
	Desk deskRole
}

// deskRole is the instance's role as the pages show it.
type deskRole struct {
	Name   string
	Secure bool
	// Accent is the admin's accent colour without its "#" (identity.go), "" for none.
	Accent string
}

// deskRole names this instance: Config.InstanceName if set, else by its mode.
// A secure instance's own name is prefixed with "Secure desk" unless it says
// so already, so no name can make it look like the standard desk.
func (s *Server) deskRole(ctx context.Context) deskRole {
	secure := s.desk.Confidential()
	name := s.cfg.InstanceName
	switch {
	case name != "" && secure && !strings.Contains(strings.ToLower(name), "secure"):
		name = "Secure desk — " + name
	case name != "":
	case secure:
		name = "Secure desk — HR/Payroll"
	default:
		name = "IT desk"
	}
	return deskRole{Name: name, Secure: secure, Accent: s.accent(ctx)}
}

// flashes are the only messages a redirect can ask a page to show (?flash=key), so
// a crafted link can't put arbitrary text on the page.
var flashes = map[string]string{
	"created":       "Ticket created.",
	"updated":       "Ticket updated.",
	"escalating":    "Ticket is being sent to the secure desk.",
	"invited":       "Agent invited.",
	"saved":         "Saved.",
	"retried":       "Delivery queued to run now.",
	"chain_retried": "Sending again from the failed step.",
	"bulk_updated":  "Selected tickets updated.",
	"bulk_partial":  "Some selected tickets could not be updated (see each ticket); the others were.",
	"merged":        "Ticket merged into this one.",
}

// funcsIn are the template functions for pages shown to an agent in loc:
// every time is in the agent's zone and names it (zone.go).
func funcsIn(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"date":    func(t time.Time) string { return localTime(t, loc) },
		"ago":     func(t time.Time) string { return ago(t, time.Now()) },
		"linkify": linkify,
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"dash": func(s string) string {
			if s == "" {
				return "—"
			}
			return s
		},
		"title": func(s string) string {
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
	}
}

// mustParsePages parses every page template once, each with the layout and
// shared partials.
func mustParsePages(loc *time.Location) map[string]pageTemplate {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]pageTemplate{}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t := template.New("layout.html").Funcs(funcsIn(loc))
		pages[base] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n))
	}
	return pages
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes page name into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, rq *request, status int, name, title string, data any) {
	p := page{Title: title, Data: data, Flash: flashes[r.URL.Query().Get("flash")], Query: r.URL.Query().Get("q"), Desk: s.deskRole(r.Context())}
	loc := time.UTC
	if rq != nil {
		p.User, p.CSRF, p.IsAdmin = rq.user, rq.csrf, rq.user.Role == model.RoleAdmin
		loc = s.desk.UserZone(r.Context(), rq.user)
	}
	p.Zone = loc.String()
	t, ok := s.pages.in(loc)[name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); bufPool.Put(buf) }()
	if err := t.Execute(buf, p); err != nil {
		s.serverError(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// httpError is an error that knows its status and the message to show.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

var (
	errNotFound = &httpError{http.StatusNotFound, "There is nothing here, or you can't see it."}
	errCSRF     = &httpError{http.StatusForbidden, "The form's security token is missing or wrong. Reload the page and try again."}
)

// errorData is what the error page shows.
type errorData struct {
	Status   int
	Messages []string
	// Next is where "Log in" returns to, for a post refused for an ended session.
	Next string
}

// fail maps err to an error page. Unexpected errors are logged here, once, with
// the request id, and shown without internals.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	var he *httpError
	var ve *model.ValidationError
	d := errorData{}
	switch {
	case errors.As(err, &he):
		d.Status, d.Messages = he.status, []string{he.msg}
	case errors.As(err, &ve):
		d.Status, d.Messages = http.StatusUnprocessableEntity, validationMessages(ve)
	case errors.Is(err, model.ErrNotFound):
		d.Status, d.Messages = errNotFound.status, []string{errNotFound.msg}
	case errors.Is(err, model.ErrForbidden):
		d.Status, d.Messages = http.StatusForbidden, []string{"You are not allowed to do that."}
	default:
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, rq, d.Status, "error.html", http.StatusText(d.Status), d)
}

// serverError logs err with the request id and answers a bare 500.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := httpx.RequestID(r.Context())
	s.log.ErrorContext(r.Context(), "web request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = fmt.Fprintf(w, "Something went wrong on our side. The request id is %s.\n", id)
}

// validationMessages lists a validation error's messages for display.
func validationMessages(ve *model.ValidationError) []string {
	out := make([]string, len(ve.Errors))
	for i, e := range ve.Errors {
		out[i] = e.Description
	}
	return out
}

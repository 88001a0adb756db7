// Package web serves the agent UI: server-rendered pages (html/template) with their
// templates and static assets embedded in the binary. Handlers parse the request,
// call one desk use case and render; reads for display go through the store's read
// queries, never SQL here.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config tunes the web UI.
type Config struct {
	// BaseURL is the instance's public URL; an https URL makes cookies Secure even
	// behind a TLS-terminating proxy.
	BaseURL string
	// InstanceName is shown in the top bar and page titles; empty means "IT desk",
	// or "Secure desk — HR/Payroll" on a confidential instance.
	InstanceName string
}

// Server holds what the web handlers need.
type Server struct {
	desk     *desk.Service
	log      *slog.Logger
	cfg      Config
	pages    *pageSets // per agent time zone (zone.go)
	throttle *loginThrottle
	// sessionCookie and loginCookie are named per instance (httpx.SessionCookie).
	sessionCookie, loginCookie string
	presence                   *presence // "also viewing" on one node (presence.go)
}

// New parses the templates once and returns the web server. It panics on a
// template error, which is a bug caught by any test.
func New(d *desk.Service, log *slog.Logger, cfg Config) *Server {
	return &Server{desk: d, log: log, cfg: cfg, pages: newPageSets(), throttle: newLoginThrottle(),
		sessionCookie: httpx.SessionCookie(cfg.BaseURL), loginCookie: httpx.LoginCookie(cfg.BaseURL), presence: newPresence()}
}

// Routes returns every web route; mount it at "/".
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", cacheStatic(http.StripPrefix("/static/", http.FileServerFS(static))))
	mux.Handle("GET /favicon.ico", cacheStatic(http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently)))

	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /accent.css", s.accentCSS) // identity.go (issue 19)
	mux.Handle("POST /logout", s.authed(s.logout))

	mux.Handle("GET /{$}", s.authed(s.home))
	mux.Handle("GET /views/{view}", s.authed(s.viewPage))
	mux.Handle("GET /users/{id}/tickets", s.authed(s.requesterPage))
	mux.Handle("GET /search", s.authed(s.searchPage))
	mux.Handle("GET /tickets/new", s.authed(s.newTicketForm))
	mux.Handle("POST /tickets", s.authedFiles(s.createTicket))
	mux.Handle("GET /tickets/{id}", s.authed(s.ticketPage))
	mux.Handle("POST /tickets/{id}", s.authedFiles(s.updateTicket))
	mux.Handle("POST /tickets/{id}/escalation/retry", s.authed(s.retryChains))
	mux.Handle("POST /tickets/{id}/merge", s.authed(s.mergeTicket))    // merge.go (issue 19)
	mux.Handle("GET /tickets/{id}/updated", s.authed(s.ticketUpdated)) // collision.go (issue 19)
	mux.Handle("GET /reports/escalations", s.authed(s.reportPage))
	mux.Handle("GET /reports/escalations.csv", s.authed(s.reportCSV))
	s.agentRoutes(mux) // macros, assign to me, bulk edit (issue 19)

	s.macroRoutes(mux) // macros_edit.go (issue 19)
	mux.Handle("GET /admin/{$}", s.admin(s.adminHome))
	mux.Handle("POST /admin/identity", s.admin(s.saveIdentity))
	mux.Handle("GET /admin/agents", s.admin(s.agentsPage))
	mux.Handle("POST /admin/agents", s.admin(s.inviteAgent))
	mux.Handle("GET /admin/agents/{id}", s.admin(s.agentPage))
	mux.Handle("POST /admin/agents/{id}", s.admin(s.updateAgent))
	mux.Handle("GET /admin/groups", s.admin(s.groupsPage))
	mux.Handle("POST /admin/groups", s.admin(s.createGroup))
	mux.Handle("POST /admin/groups/{id}/private", s.admin(s.makeGroupPrivate))
	mux.Handle("GET /admin/fields", s.admin(s.fieldsPage))
	mux.Handle("POST /admin/fields", s.admin(s.createField))
	mux.Handle("GET /admin/forms", s.admin(s.formsPage))
	mux.Handle("POST /admin/forms", s.admin(s.createForm))
	mux.Handle("GET /admin/triggers", s.admin(s.triggersPage))
	mux.Handle("GET /admin/automations", s.admin(s.automationsPage))
	s.ruleEditorRoutes(mux) // views, automations, time zone (rule_editor_routes.go, issue 19)
	mux.Handle("GET /admin/triggers/new", s.admin(s.newTriggerForm))
	mux.Handle("POST /admin/triggers", s.admin(s.saveTrigger))
	mux.Handle("GET /admin/triggers/{id}", s.admin(s.editTriggerForm))
	mux.Handle("POST /admin/triggers/{id}", s.admin(s.saveTrigger))
	mux.Handle("POST /admin/triggers/{id}/move", s.admin(s.moveTrigger))
	mux.Handle("POST /admin/triggers/{id}/active", s.admin(s.activateTrigger))
	mux.Handle("GET /admin/webhooks", s.admin(s.webhooksPage))
	mux.Handle("GET /admin/mail", s.admin(s.mailLogPage)) // outgoing-mail log (issue 17)
	s.mailInRoutes(mux)                                   // mailboxes and quarantine (issue 17, mail_in.go)
	mux.Handle("GET /admin/webhooks/{id}", s.admin(s.webhookPage))
	mux.Handle("POST /admin/webhooks/{id}/deliveries/{delivery}/retry", s.admin(s.retryDelivery))

	mux.Handle("/", s.authed(func(w http.ResponseWriter, r *http.Request, rq *request) error { return errNotFound }))
	return securityHeaders(mux)
}

// contentSecurityPolicy allows only this origin's scripts, styles and images; no
// inline script or style, no plugins, no framing, forms post only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store") // pages hold ticket content
		}
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

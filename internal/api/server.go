// Package api serves twindesk's Zendesk-compatible REST API v2: the same paths,
// JSON shapes and error bodies, so Zendesk clients work against it unchanged.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
)

// Config tunes the API.
type Config struct {
	// BaseURL is the public URL of this instance, used in "url" fields and links.
	BaseURL string
	// RatePerMinute is each user's request budget; 0 disables the limit.
	RatePerMinute int
	// MaxTicketBody is the largest ticket create or update body in bytes;
	// 0 means DefaultMaxTicketBody. Other bodies stay at 1 MiB.
	MaxTicketBody int64
}

// Server holds what the handlers need.
type Server struct {
	desk    *desk.Service
	log     *slog.Logger
	cfg     Config
	limiter *limiter
}

// New returns the API server.
func New(d *desk.Service, log *slog.Logger, cfg Config) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.MaxTicketBody <= 0 {
		cfg.MaxTicketBody = DefaultMaxTicketBody
	}
	return &Server{desk: d, log: log, cfg: cfg, limiter: newLimiter(cfg.RatePerMinute)}
}

// Routes returns every API route. Paths accept an optional ".json" suffix, as
// Zendesk's do; ServeMux wildcards can't carry a suffix ("{id}.json"), so the suffix
// is trimmed before routing.
func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(method, path string, h handlerFunc) {
		mux.Handle(method+" /api/v2"+path, s.authenticated(h))
	}
	handle("GET", "/tickets", s.listTickets)
	handle("POST", "/tickets", s.createTicket)
	handle("GET", "/tickets/count", s.countTickets)
	handle("GET", "/tickets/show_many", s.showManyTickets)
	handle("GET", "/tickets/{id}", s.showTicket)
	handle("PUT", "/tickets/{id}", s.updateTicket)
	handle("DELETE", "/tickets/{id}", s.deleteTicket)
	handle("GET", "/tickets/{id}/comments", s.listComments)
	handle("GET", "/tickets/{id}/audits", s.listAudits)

	// Attachments (issue 18); downloads are served by DownloadRoutes.
	handle("POST", "/uploads", s.createUpload)
	handle("DELETE", "/uploads/{token}", s.deleteUpload)
	handle("GET", "/attachments/{id}", s.showAttachment)
	handle("PUT", "/tickets/{id}/comments/{comment_id}/attachments/{attachment_id}/redact", s.redactAttachment)

	handle("GET", "/users", s.listUsers)
	handle("POST", "/users", s.createUser)
	handle("POST", "/users/create_or_update", s.createOrUpdateUser)
	handle("GET", "/users/search", s.searchUsers)
	handle("GET", "/users/me", s.showMe)
	handle("GET", "/users/{id}", s.showUser)
	handle("PUT", "/users/{id}", s.updateUser)
	s.userRoutes(handle)

	handle("GET", "/api_tokens", s.listAPITokens)
	handle("GET", "/api_tokens/{id}", s.showAPIToken)
	handle("DELETE", "/api_tokens/{id}", s.revokeAPIToken)

	handle("GET", "/groups", s.listGroups)
	handle("POST", "/groups", s.createGroup)
	handle("GET", "/groups/{id}", s.showGroup)
	handle("PUT", "/groups/{id}", s.updateGroup)
	handle("DELETE", "/groups/{id}", s.deleteGroup)
	handle("GET", "/group_memberships", s.listMemberships)
	handle("POST", "/group_memberships", s.createMembership)
	handle("DELETE", "/group_memberships/{id}", s.deleteMembership)
	handle("GET", "/users/{id}/group_memberships", s.listMemberships)

	handle("GET", "/triggers", s.listTriggers)
	handle("GET", "/triggers/active", s.listTriggers)
	handle("POST", "/triggers", s.createTrigger)
	handle("PUT", "/triggers/reorder", s.reorderTriggers)
	handle("GET", "/triggers/{id}", s.showTrigger)
	handle("PUT", "/triggers/{id}", s.updateTrigger)
	handle("DELETE", "/triggers/{id}", s.deleteTrigger)
	s.automationRoutes(handle)
	s.slaRoutes(handle)
	handle("GET", "/webhooks", s.listWebhooks)
	handle("POST", "/webhooks", s.createWebhook)
	handle("GET", "/webhooks/{id}", s.showWebhook)
	handle("PUT", "/webhooks/{id}", s.updateWebhook)
	handle("PATCH", "/webhooks/{id}", s.updateWebhook)
	handle("DELETE", "/webhooks/{id}", s.deleteWebhook)
	handle("GET", "/webhooks/{id}/signing_secret", s.webhookSecret)
	handle("POST", "/webhooks/{id}/signing_secret", s.webhookSecret)
	handle("GET", "/webhooks/{id}/invocations", s.invocations)
	handle("GET", "/targets", s.listTargets)
	handle("POST", "/targets", s.saveTarget)
	handle("GET", "/targets/{id}", s.showTarget)
	handle("PUT", "/targets/{id}", s.saveTarget)
	handle("DELETE", "/targets/{id}", s.deleteTarget)

	handle("POST", "/twindesk/peer_identities/{name}/token", s.issuePeerToken)
	handle("GET", "/twindesk/instance", s.showInstance)
	s.mailRoutes(handle) // outgoing-mail log (issue 17)
	handle("GET", "/twindesk/tickets/{id}/escalation", s.ticketChains)
	handle("POST", "/twindesk/tickets/{id}/escalation/retry", s.retryChains)
	handle("GET", "/twindesk/reports/escalations", s.escalationReport)
	handle("GET", "/twindesk/reports/escalations.csv", s.escalationReportCSV)
	s.mailInRoutes(handle) // inbound mail: mailboxes, quarantine, intake log, peer replies (mail_in.go)

	// Custom fields and forms, bulk jobs, deleted tickets, audits and search (issue 3).
	handle("GET", "/ticket_fields", s.listFields)
	handle("POST", "/ticket_fields", s.createField)
	handle("GET", "/ticket_fields/count", s.countFields)
	handle("GET", "/ticket_fields/{id}", s.showField)
	handle("PUT", "/ticket_fields/{id}", s.updateField)
	handle("DELETE", "/ticket_fields/{id}", s.deleteField)
	handle("GET", "/ticket_fields/{id}/options", s.listFieldOptions)
	handle("GET", "/ticket_forms", s.listForms)
	handle("POST", "/ticket_forms", s.createForm)
	handle("GET", "/ticket_forms/{id}", s.showForm)
	handle("PUT", "/ticket_forms/{id}", s.updateForm)
	handle("DELETE", "/ticket_forms/{id}", s.deleteForm)
	handle("PUT", "/tickets/update_many", s.updateMany)
	handle("DELETE", "/tickets/destroy_many", s.destroyMany)
	handle("POST", "/tickets/{id}/merge", s.mergeTickets) // issue 19, merge.go
	handle("POST", "/tickets/create_many", s.createMany)
	// Ticket Import API (issue 21): historic tickets, no triggers.
	handle("POST", "/imports/tickets", s.importTicket)
	handle("POST", "/imports/tickets/create_many", s.importMany)
	s.importIDRoutes(handle) // id map of `twindesk import zendesk` (import_ids.go)
	handle("GET", "/job_statuses/{id}", s.showJobStatus)
	handle("GET", "/deleted_tickets", s.listDeleted)
	handle("PUT", "/deleted_tickets/restore_many", s.restoreMany)
	handle("DELETE", "/deleted_tickets/destroy_many", s.purgeMany)
	handle("PUT", "/deleted_tickets/{id}/restore", s.restoreTicket)
	handle("DELETE", "/deleted_tickets/{id}", s.purgeTicket)
	handle("GET", "/tickets/{id}/audits/count", s.countAudits)
	handle("GET", "/tickets/{id}/audits/{audit_id}", s.showAudit)
	handle("GET", "/search", s.search)
	handle("GET", "/search/count", s.searchCount)
	handle("GET", "/search/export", s.searchExport)
	s.exportRoutes(handle) // incremental exports (issue 21)
	s.tagRoutes(handle)
	s.metricRoutes(handle)
	s.dataRoutes(handle) // ticket_audits, ticket metric events (issue 21)
	s.orgRoutes(handle)
	s.macroRoutes(handle) // issue 19
	s.viewRoutes(handle)
	s.censusRoutes(handle) // resources the client census found missing (census_routes.go)

	mux.Handle("/api/v2/", s.authenticated(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	return trimJSONSuffix(mux)
}

func trimJSONSuffix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutSuffix(r.URL.Path, ".json"); ok {
			r2 := *r
			u := *r.URL
			u.Path, u.RawPath = p, ""
			r2.URL = &u
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

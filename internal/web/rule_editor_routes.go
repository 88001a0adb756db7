package web

import "net/http"

// ruleEditorRoutes mounts the view, automation and SLA editors and the
// agent's settings (issue 19).
func (s *Server) ruleEditorRoutes(mux *http.ServeMux) {
	s.automationRoutes(mux)
	s.viewEditRoutes(mux)
	s.settingsRoutes(mux)
	s.slaEditorRoutes(mux) // SLA policies and business hours (admin_slas.go)
}

package api

// censusRoutes registers the resources issue 21's client census found missing:
// comment privacy, locales, the staff roles, user and organization fields.
func (s *Server) censusRoutes(handle func(method, path string, h handlerFunc)) {
	handle("PUT", "/tickets/{id}/comments/{comment_id}/make_private", s.makeCommentPrivate)
	handle("GET", "/locales", s.listLocales)
	handle("GET", "/locales/public", s.listLocales)
	handle("GET", "/locales/agent", s.listLocales)
	handle("GET", "/locales/current", s.showLocale)
	handle("GET", "/locales/{key}", s.showLocale)
	handle("GET", "/custom_roles", s.listCustomRoles)
	handle("GET", "/custom_roles/{id}", s.showCustomRole)
	s.entityFieldRoutes(handle) // user_fields, organization_fields (entity_fields.go)
}

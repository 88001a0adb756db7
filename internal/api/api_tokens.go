package api

import (
	"net/http"

	"github.com/twindesk/twindesk/internal/desk"
)

// apiTokenJSON is Zendesk's api_token. The token itself is never shown: only its
// digest is stored. user_id is twindesk's addition, to tell tokens apart.
type apiTokenJSON struct {
	ID          int64  `json:"id"`
	Description string `json:"description"`
	Active      bool   `json:"active"`
	UserID      int64  `json:"user_id"`
	UserEmail   string `json:"user_email"`
	CreatedAt   string `json:"created_at"`
}

func apiTokenOut(t *desk.APIToken) apiTokenJSON {
	return apiTokenJSON{ID: t.ID, Active: true, UserID: t.UserID, UserEmail: t.UserEmail, CreatedAt: zt(t.CreatedAt)}
}

// listAPITokens is GET /api_tokens: every token, admins only.
func (s *Server) listAPITokens(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.desk.ListTokens(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	out := make([]apiTokenJSON, len(rows))
	for i := range rows {
		out[i] = apiTokenOut(&rows[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"api_tokens": out, "next_page": nil, "previous_page": nil, "count": len(out)})
	return nil
}

func (s *Server) showAPIToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.desk.Token(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"api_token": apiTokenOut(&t)})
	return nil
}

// revokeAPIToken is DELETE /api_tokens/{id}: the token stops working at once.
func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.desk.RevokeToken(r.Context(), currentUser(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

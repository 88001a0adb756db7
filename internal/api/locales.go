package api

import (
	"fmt"
	"net/http"
)

// twindesk speaks one language: every user answers locale_id 1, en-US, as
// Zendesk numbers English. The locales endpoints say so, for clients that
// resolve a user's locale_id or list the account's languages before they sync.
const (
	localeID   = 1
	localeName = "en-US"
)

func (s *Server) localeOut() map[string]any {
	return map[string]any{"id": localeID, "url": fmt.Sprintf("%s/api/v2/locales/%s.json", s.cfg.BaseURL, localeName),
		"locale": localeName, "name": "English", "native_name": "English (United States)",
		"presentation_name": "English (United States)", "rtl": false, "default": true,
		"created_at": "2009-07-20T22:55:29Z", "updated_at": "2009-07-20T22:55:29Z"}
}

// listLocales is GET /locales (and /locales/public, /locales/agent): the one
// locale, for anyone signed in, as Zendesk allows.
func (s *Server) listLocales(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"locales": []any{s.localeOut()}, "count": 1, "next_page": nil, "previous_page": nil})
	return nil
}

// showLocale is GET /locales/{key}, the key an id or a locale name, and
// /locales/current; another locale is a 404.
func (s *Server) showLocale(w http.ResponseWriter, r *http.Request) error {
	if key := r.PathValue("key"); key != "" && key != fmt.Sprint(localeID) && key != localeName && key != "en-us" {
		return errNotFound
	}
	writeJSON(w, http.StatusOK, map[string]any{"locale": s.localeOut()})
	return nil
}

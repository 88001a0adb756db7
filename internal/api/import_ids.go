package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/store"
)

// importIDRoutes serve the id map of `twindesk import zendesk` (a twindesk
// extension, migration 024): where each record of a source account landed, so a
// re-run, from any machine, carries only what is new or changed.
func (s *Server) importIDRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/twindesk/import_ids", s.listImportIDs)
	handle("POST", "/twindesk/import_ids", s.saveImportIDs)
}

type importIDJSON struct {
	Source        string `json:"source"`
	Kind          string `json:"kind"`
	SourceID      int64  `json:"source_id"`
	TargetID      int64  `json:"target_id"`
	SourceUpdated string `json:"source_updated"`
}

// maxImportIDs bounds a page of the list and a save.
const maxImportIDs = 10000

// listImportIDs is GET /twindesk/import_ids?source=&kind=&after=&limit=, by
// source id; an empty page ends the list.
func (s *Server) listImportIDs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	source, kind := q.Get("source"), q.Get("kind")
	if source == "" || kind == "" {
		return badRequest("source and kind are required")
	}
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil {
		return badRequest("after must be a source id")
	}
	limit := maxImportIDs
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > maxImportIDs {
			return badRequest("limit must be 1 to 10000")
		}
	}
	rows, err := s.desk.ImportIDs(r.Context(), currentUser(r.Context()), source, kind, after, limit)
	if err != nil {
		return err
	}
	out := make([]importIDJSON, len(rows))
	for i, m := range rows {
		out[i] = importIDJSON{Source: m.Source, Kind: m.Kind, SourceID: m.SourceID, TargetID: m.TargetID, SourceUpdated: m.SourceUpdated}
	}
	writeJSON(w, http.StatusOK, map[string]any{"import_ids": out})
	return nil
}

// saveImportIDs is POST /twindesk/import_ids {"import_ids": [...]}.
func (s *Server) saveImportIDs(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		ImportIDs []importIDJSON `json:"import_ids"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if len(body.ImportIDs) == 0 || len(body.ImportIDs) > maxImportIDs {
		return badRequest(`the body must be {"import_ids": [...]} with 1 to 10000 entries`)
	}
	ids := make([]store.ImportID, len(body.ImportIDs))
	for i, m := range body.ImportIDs {
		ids[i] = store.ImportID{Source: m.Source, Kind: m.Kind, SourceID: m.SourceID, TargetID: m.TargetID, SourceUpdated: m.SourceUpdated}
	}
	if err := s.desk.SaveImportIDs(r.Context(), currentUser(r.Context()), ids); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"import_ids": body.ImportIDs})
	return nil
}

// authorIDIn is an imported comment's author_id: a user id, or -1, Zendesk's
// system user, whose comments an export from Zendesk carries.
type authorIDIn struct{ optID }

func (a *authorIDIn) UnmarshalJSON(b []byte) error {
	if strings.TrimSpace(string(b)) == strconv.Itoa(desk.SystemAuthorID) {
		a.Set, a.Val = true, desk.SystemAuthorID
		return nil
	}
	return a.optID.UnmarshalJSON(b)
}

package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// agentRoutes adds the routes of macros, "assign to me" and bulk edit (issue 19).
func (s *Server) agentRoutes(mux *http.ServeMux) {
	mux.Handle("GET /tickets/{id}/tools", s.authed(s.ticketTools))
	mux.Handle("GET /tickets/{id}/macros/{macro}/apply", s.authed(s.applyMacro))
	mux.Handle("POST /views/bulk", s.authed(s.bulkUpdate))
}

// The ticket page's macro menu and "Assign to me" are filled by static/macros.js
// from these two JSON answers; applying a macro only fills the form, and the
// agent still submits it (their typed reply kept: the macro's text is added).

// ticketTools answers what the ticket page's tools need: the agent, their groups
// and the active macros they may use.
func (s *Server) ticketTools(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.desk.Ticket(ctx, rq.user, id); err != nil {
		return jsonError(w, err)
	}
	active := true
	macros, err := s.desk.Macros(ctx, rq.user, desk.MacroFilter{Active: &active, SortBy: "alphabetical"})
	if err != nil {
		return jsonError(w, err)
	}
	groups, err := s.desk.GroupIDsOf(ctx, rq.user, rq.user.ID)
	if err != nil {
		return err
	}
	type macroItem struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	items := make([]macroItem, len(macros))
	for i, m := range macros {
		items[i] = macroItem{ID: m.ID, Title: m.Title}
	}
	writeJSONPage(w, http.StatusOK, map[string]any{"me": rq.user.ID, "groups": nonNilIDs(groups), "macros": items})
	return nil
}

// applyMacro answers what the macro would set, in the form's own terms.
func (s *Server) applyMacro(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	macroID, err := strconv.ParseInt(r.PathValue("macro"), 10, 64)
	if err != nil || macroID <= 0 {
		return errNotFound
	}
	res, err := s.desk.ApplyMacro(r.Context(), rq.user, macroID, id)
	if err != nil {
		return jsonError(w, err)
	}
	t := res.Ticket
	fields := map[string]string{}
	for _, f := range t.CustomFields {
		fields[strconv.FormatInt(f.ID, 10)] = f.Value
	}
	writeJSONPage(w, http.StatusOK, map[string]any{"status": t.Status, "priority": t.Priority, "type": t.Type,
		"group_id": idOrEmpty(t.GroupID), "assignee_id": idOrEmpty(t.AssigneeID), "tags": strings.Join(t.Tags, " "),
		"fields": fields, "comment": res.Comment, "has_comment": res.HasComment, "public": res.Public})
	return nil
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// jsonError answers a script's request with the status of err and a message an
// agent can read; unexpected errors go on to the usual handling.
func jsonError(w http.ResponseWriter, err error) error {
	var ve *model.ValidationError
	switch {
	case errors.Is(err, model.ErrNotFound):
		writeJSONPage(w, http.StatusNotFound, map[string]string{"error": "This ticket or macro is gone, or you can't see it."})
	case errors.Is(err, model.ErrForbidden):
		writeJSONPage(w, http.StatusForbidden, map[string]string{"error": "You may not use this."})
	case errors.As(err, &ve):
		writeJSONPage(w, http.StatusUnprocessableEntity, map[string]string{"error": ve.Error()})
	default:
		return err
	}
	return nil
}

func writeJSONPage(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
}

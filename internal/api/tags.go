package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Tags (issue 21): the account's tags with counts, a ticket's tags, and
// autocomplete.

func (s *Server) tagRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/tags", s.listTags)
	handle("GET", "/tags/count", s.countTags)
	handle("GET", "/autocomplete/tags", s.autocompleteTags)
	handle("GET", "/tickets/{id}/tags", s.showTicketTags)
	handle("PUT", "/tickets/{id}/tags", s.editTicketTags(desk.TagsAdd))
	handle("POST", "/tickets/{id}/tags", s.editTicketTags(desk.TagsSet))
	handle("DELETE", "/tickets/{id}/tags", s.editTicketTags(desk.TagsRemove))
	s.entityTagRoutes(handle)
}

type tagCountJSON struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) error {
	// The list is ordered by count, not id, so its cursor is its own: the
	// pager reads everything else.
	q := r.URL.Query()
	c := q.Get("page[after]")
	q.Del("page[after]")
	r2 := *r
	u := *r.URL
	u.RawQuery = q.Encode()
	r2.URL = &u
	p, err := parsePager(&r2)
	if err != nil {
		return err
	}
	var after *store.TagCursor
	if c != "" {
		p.cursor = true
		if after, err = decodeTagCursor(c); err != nil {
			return badRequest("page[after] is not a cursor this server issued")
		}
	}
	offset := 0
	if !p.cursor {
		offset = (p.page - 1) * p.perPage
	}
	actor := currentUser(r.Context())
	rows, err := s.desk.TagCounts(r.Context(), actor, after, p.perPage+1, offset)
	if err != nil {
		return err
	}
	rows, more := trim(p, rows)
	tags := make([]tagCountJSON, len(rows))
	for i, t := range rows {
		tags[i] = tagCountJSON(t)
	}
	body := map[string]any{"tags": tags}
	if p.cursor {
		var next, afterC any
		if more {
			c := encodeTagCursor(rows[len(rows)-1])
			afterC, next = c, p.link(url.Values{"page[size]": {strconv.Itoa(p.perPage)}, "page[after]": {c}})
		}
		body["meta"] = map[string]any{"has_more": more, "after_cursor": afterC, "before_cursor": nil}
		body["links"] = map[string]any{"next": next, "prev": nil}
		writeJSON(w, http.StatusOK, body)
		return nil
	}
	count, err := s.desk.CountTags(r.Context(), actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p.envelope(body, more, 0, 0, count))
	return nil
}

func encodeTagCursor(t store.TagCount) string {
	return base64.RawURLEncoding.EncodeToString([]byte("t:" + strconv.FormatInt(t.Count, 10) + ":" + t.Name))
}

func decodeTagCursor(c string) (*store.TagCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, err
	}
	rest, ok := strings.CutPrefix(string(b), "t:")
	n, name, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return nil, strconv.ErrSyntax
	}
	count, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return nil, err
	}
	return &store.TagCursor{Count: count, Name: name}, nil
}

func (s *Server) countTags(w http.ResponseWriter, r *http.Request) error {
	n, err := s.desk.CountTags(r.Context(), currentUser(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": zt(time.Now())}})
	return nil
}

// autocompleteLimit is how many tags an autocomplete answers, as many as
// Zendesk's agent interface shows.
const autocompleteLimit = 15

func (s *Server) autocompleteTags(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if utf8.RuneCountInString(name) < 2 {
		return badRequest("name must be at least 2 characters")
	}
	tags, err := s.desk.AutocompleteTags(r.Context(), currentUser(r.Context()), name, autocompleteLimit)
	if err != nil {
		return err
	}
	if tags == nil {
		tags = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": tags})
	return nil
}

func (s *Server) showTicketTags(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	tags, err := s.desk.TicketTags(r.Context(), currentUser(r.Context()), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tags": nonNil(tags)})
	return nil
}

func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// editTicketTags answers PUT (add), POST (set) and DELETE (remove) on a
// ticket's tags with {"tags": [...]} and, optionally, Zendesk's safe update
// (safe_update, updated_stamp).
func (s *Server) editTicketTags(op desk.TagOp) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if _, err := requireStaffAPI(r); err != nil {
			return err
		}
		var body struct {
			Tags         *[]string `json:"tags"`
			SafeUpdate   bool      `json:"safe_update"`
			UpdatedStamp string    `json:"updated_stamp"`
		}
		if err := decode(r, &body); err != nil {
			return err
		}
		if body.Tags == nil {
			return recordInvalid(model.Invalid("tags", "BlankValue", `Tags: the body must be {"tags": ["a", "b"]}`))
		}
		var stamp time.Time
		if body.SafeUpdate {
			if stamp, err = time.Parse(time.RFC3339, body.UpdatedStamp); err != nil {
				return recordInvalid(model.Invalid("updated_stamp", "InvalidValue", "updated_stamp: must be the ticket's updated_at, e.g. 2026-11-25T10:00:00Z"))
			}
		}
		t, err := s.desk.EditTicketTags(r.Context(), currentUser(r.Context()), id, op, *body.Tags, stamp)
		if errors.Is(err, desk.ErrStale) {
			return &apiError{http.StatusConflict, errorBody{Error: "UpdateConflict",
				Description: "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again."}}
		}
		if err != nil {
			return err
		}
		status := http.StatusOK
		if op == desk.TagsSet {
			status = http.StatusCreated
		}
		writeJSON(w, status, map[string]any{"tags": nonNil(t.Tags)})
		return nil
	}
}

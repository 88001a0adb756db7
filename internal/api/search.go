package api

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
)

// Search results carry their type, as Zendesk's do.
type ticketResult struct {
	ticketJSON
	ResultType string `json:"result_type"`
}

type userResult struct {
	userJSON
	ResultType string `json:"result_type"`
}

type orgResult struct {
	orgJSON
	ResultType string `json:"result_type"`
}

var sortFields = []string{"updated_at", "created_at", "priority", "status", "ticket_type"}

// searchError turns what the caller got wrong into Zendesk's search errors: 400
// {"error":"invalid"} for a query that can't be read (naming the position), 422
// past the 1,000-result cap.
func searchError(err error) error {
	var pe *search.ParseError
	switch {
	case errors.As(err, &pe):
		return &apiError{http.StatusBadRequest, errorBody{Error: "invalid", Description: pe.Error()}}
	case errors.Is(err, index.ErrUnsupported):
		return &apiError{http.StatusBadRequest, errorBody{Error: "invalid", Description: err.Error()}}
	case errors.Is(err, desk.ErrSearchTooDeep):
		return &apiError{http.StatusUnprocessableEntity, errorBody{Error: "invalid", Description: err.Error()}}
	}
	return err
}

func searchQuery(r *http.Request) (string, error) {
	q := r.URL.Query()
	if !q.Has("query") {
		return "", &apiError{http.StatusBadRequest, errorBody{Error: "invalid", Description: "query is required, e.g. ?query=status:open"}}
	}
	return q.Get("query"), nil
}

// search is GET /search?query=: offset pagination, at most 1,000 results.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	query, err := searchQuery(r)
	if err != nil {
		return err
	}
	p, err := parsePager(r)
	if err != nil {
		return err
	}
	if p.cursor {
		return badRequest("search uses offset pagination (page, per_page); use /api/v2/search/export for cursors")
	}
	req := desk.SearchRequest{Query: query, SortBy: r.URL.Query().Get("sort_by"), SortOrder: r.URL.Query().Get("sort_order"),
		Page: p.page, PerPage: p.perPage}
	if req.SortBy != "" && !slices.Contains(sortFields, req.SortBy) {
		return badRequest("sort_by must be one of updated_at, created_at, priority, status, ticket_type")
	}
	res, err := s.desk.Search(r.Context(), currentUser(r.Context()), req)
	if err != nil {
		return searchError(err)
	}
	if err := s.withUsersFields(r, res.Users); err != nil {
		return err
	}
	if err := s.withOrgsFields(r, res.Organizations); err != nil {
		return err
	}
	body := map[string]any{"results": s.resultsOut(res), "facets": nil}
	if err := s.sideLoad(r, res.Tickets, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p.envelope(body, res.More, 0, 0, res.Count))
	return nil
}

func (s *Server) resultsOut(res desk.SearchPage) []any {
	out := make([]any, 0, len(res.Tickets)+len(res.Users)+len(res.Organizations))
	for i := range res.Tickets {
		out = append(out, ticketResult{s.ticketOut(&res.Tickets[i]), "ticket"})
	}
	for i := range res.Users {
		out = append(out, userResult{s.userOut(&res.Users[i]), "user"})
	}
	for i := range res.Organizations {
		out = append(out, orgResult{s.orgOut(&res.Organizations[i]), "organization"})
	}
	return out
}

// searchCount is GET /search/count?query=.
func (s *Server) searchCount(w http.ResponseWriter, r *http.Request) error {
	query, err := searchQuery(r)
	if err != nil {
		return err
	}
	n, err := s.desk.SearchCount(r.Context(), currentUser(r.Context()), query)
	if err != nil {
		return searchError(err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": n})
	return nil
}

// searchExport is GET /search/export?query=&filter[type]=ticket: every match of
// one type, in id order, with cursor pagination (page[size] up to 1,000).
func (s *Server) searchExport(w http.ResponseWriter, r *http.Request) error {
	query, err := searchQuery(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	typ := q.Get("filter[type]")
	if typ != "ticket" && typ != "user" && typ != "organization" {
		return badRequest("filter[type] is required: ticket, user or organization")
	}
	req := desk.SearchRequest{Query: query, Export: true, Type: typ, PerPage: 100}
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("page[size] must be a number from 1 to 1000")
		}
		req.PerPage = n
	}
	if v := q.Get("page[after]"); v != "" {
		if req.AfterID, err = decodeCursor(v); err != nil {
			return badRequest("page[after] is not a cursor this server issued")
		}
	}
	res, err := s.desk.Search(r.Context(), currentUser(r.Context()), req)
	if err != nil {
		return searchError(err)
	}
	if err := s.withUsersFields(r, res.Users); err != nil {
		return err
	}
	if err := s.withOrgsFields(r, res.Organizations); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.exportBody(r, req, res))
	return nil
}

func (s *Server) exportBody(r *http.Request, req desk.SearchRequest, res desk.SearchPage) map[string]any {
	last := int64(0)
	if n := len(res.Tickets); n > 0 {
		last = res.Tickets[n-1].ID
	} else if n := len(res.Users); n > 0 {
		last = res.Users[n-1].ID
	} else if n := len(res.Organizations); n > 0 {
		last = res.Organizations[n-1].ID
	}
	var after, next any
	if res.More {
		c := encodeCursor(last)
		after = c
		q := r.URL.Query()
		q.Set("page[after]", c)
		q.Set("page[size]", strconv.Itoa(req.PerPage))
		next = absoluteURL(r, (&url.URL{Path: "/api/v2/search/export.json", RawQuery: q.Encode()}).RequestURI())
	}
	return map[string]any{"results": s.resultsOut(res), "facets": nil,
		"meta":  map[string]any{"has_more": res.More, "after_cursor": after, "before_cursor": nil},
		"links": map[string]any{"next": next, "prev": nil}}
}

package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/search"
	"github.com/twindesk/twindesk/internal/search/index"
)

// numberPage answers a search for a ticket number. It jumps when the number can
// mean one ticket only. On a secure instance a caller quotes the standard number
// they were given, which may also be another secure ticket's id: then both are
// listed, marked, rather than opening the wrong employee's ticket.
func (s *Server) numberPage(w http.ResponseWriter, r *http.Request, rq *request, n int64) error {
	found, err := s.desk.NumberCandidates(r.Context(), rq.user, n)
	if err != nil {
		return err
	}
	if len(found) == 1 || (len(found) == 0 && !s.desk.Confidential()) {
		id := n // none: the ticket page explains (a tombstone, or not found)
		if len(found) == 1 {
			id = found[0].ID
		}
		http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	d := listData{Heading: fmt.Sprintf("Ticket number %d", n), Total: int64(len(found)),
		Empty: fmt.Sprintf("No ticket has number %d here, and none was escalated from standard ticket %d.", n, n)}
	if len(found) > 1 {
		d.Notice = fmt.Sprintf("%d is both standard ticket %d's number, escalated here as ticket %d, and the number of secure ticket %d. Check the requester before you open one.",
			n, n, found[0].ID, found[1].ID)
	}
	if d.Rows, err = s.ticketRows(r.Context(), rq.user, found); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "list.html", d.Heading, d)
	return nil
}

// searchSortKeys maps the list's sort keys to the search's; a search has no sort
// by id or subject (its default order is relevance).
var searchSortKeys = map[string]string{"status": "status", "priority": "priority", "updated": "updated_at", "created": "created_at"}

// searchPage jumps to a ticket when the query is its id ("123" or "#123") and
// otherwise runs the query, in the API's Zendesk syntax, through desk.Search.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if id, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil && id > 0 {
		return s.numberPage(w, r, rq, id)
	}
	d := listData{Heading: "Search", Empty: "Search subjects and comments, or use keywords such as status:open, assignee:me, tags:vip or requester:ann@example.com."}
	if q == "" {
		s.render(w, r, rq, http.StatusOK, "list.html", d.Heading, d)
		return nil
	}
	lq := parseListQuery(r)
	req := desk.SearchRequest{Query: q, Page: lq.page, PerPage: perPage}
	if by, ok := searchSortKeys[r.URL.Query().Get("sort")]; ok {
		req.SortBy, req.SortOrder = by, "asc"
		if lq.sort.Desc {
			req.SortOrder = "desc"
		}
	} else {
		lq.sort.By = "" // relevance: no column is marked sorted
	}
	res, err := s.desk.Search(r.Context(), rq.user, req)
	var pe *search.ParseError
	if errors.As(err, &pe) || errors.Is(err, index.ErrUnsupported) || errors.Is(err, desk.ErrSearchTooDeep) {
		d.Error = searchErrorText(err)
		s.render(w, r, rq, http.StatusBadRequest, "list.html", d.Heading, d)
		return nil
	}
	if err != nil {
		return err
	}
	d.Heading, d.Empty, d.Total, d.Users, d.PageNum = "Search results", "Nothing matches.", res.Count, res.Users, lq.page
	if d.Rows, err = s.ticketRows(r.Context(), rq.user, res.Tickets); err != nil {
		return err
	}
	d.pager(lq, min(res.Count, desk.MaxSearchResults))
	d.Columns = sortColumns(lq, []string{"status", "priority", "updated", "created"})
	s.render(w, r, rq, http.StatusOK, "list.html", d.Heading, d)
	return nil
}

// parseMessages rewords the parser's messages that read as developer jargon.
var parseMessages = map[string]string{
	"unterminated quote":              "a quote is not closed",
	"lone '-' with nothing to negate": "a \u201c-\u201d has nothing after it to leave out",
}

// searchErrorText says in plain words why a query can't run, instead of the
// parser's "search: position 0: unterminated quote".
func searchErrorText(err error) string {
	var pe *search.ParseError
	switch {
	case errors.As(err, &pe):
		msg := pe.Msg
		if plain, ok := parseMessages[msg]; ok {
			msg = plain
		}
		return fmt.Sprintf("Search couldn't read your query: %s (at character %d).", msg, pe.Pos+1)
	case errors.Is(err, desk.ErrSearchTooDeep):
		return fmt.Sprintf("Search shows at most %d results. Narrow the query, for example with status:open or created>2026-01-01, to see the rest.", desk.MaxSearchResults)
	default: // index.ErrUnsupported
		_, detail, _ := strings.Cut(err.Error(), index.ErrUnsupported.Error()+": ")
		if detail == "" {
			return "Search can't run this query."
		}
		return "Search can't run this query: " + detail + "."
	}
}

package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Incremental exports (issue 21), in Zendesk's two styles: cursor-based
// (after_cursor, end_of_stream) and time-based (start_time, end_time,
// next_page). Every page is one or two index ranges read from its key, so a
// walk over a million tickets holds one page at a time.

func (s *Server) exportRoutes(handle func(method, path string, h handlerFunc)) {
	handle("GET", "/incremental/tickets/cursor", s.exportTicketsCursor)
	handle("GET", "/incremental/tickets", s.exportTicketsTime)
	handle("GET", "/incremental/ticket_events", s.exportTicketEvents)
	handle("GET", "/incremental/users/cursor", s.exportUsersCursor)
	handle("GET", "/incremental/users", s.exportUsersTime)
}

// exportTicketJSON is a ticket of an export: the ticket with its
// generated_timestamp, status "deleted" when deleted.
type exportTicketJSON struct {
	ticketJSON
	GeneratedTimestamp int64 `json:"generated_timestamp"`
}

// purgedTicketJSON is a purged ticket: its id and that it is deleted, nothing
// of what it held.
type purgedTicketJSON struct {
	ID                 int64  `json:"id"`
	URL                string `json:"url"`
	Status             string `json:"status"`
	GeneratedTimestamp int64  `json:"generated_timestamp"`
}

func (s *Server) exportTicketsOut(rows []store.ExportTicket, excludeDeleted bool) []any {
	out := make([]any, 0, len(rows))
	for i := range rows {
		e := &rows[i]
		switch {
		case e.Deleted && excludeDeleted:
		case e.Purged:
			out = append(out, purgedTicketJSON{ID: e.Ticket.ID, URL: s.ticketURL(e.Ticket.ID), Status: "deleted",
				GeneratedTimestamp: e.GeneratedAt.Unix()})
		default:
			t := exportTicketJSON{ticketJSON: s.ticketOut(&e.Ticket), GeneratedTimestamp: e.GeneratedAt.Unix()}
			if e.Deleted {
				t.Status = "deleted"
			}
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) ticketURL(id int64) string {
	return fmt.Sprintf("%s/api/v2/tickets/%d.json", s.cfg.BaseURL, id)
}

// exportQuery is what an export request asks for.
type exportQuery struct {
	key     store.ExportKey
	perPage int
	// start is start_time, for time-based pages.
	start int64
}

// parseExport reads cursor or start_time (one is required) and per_page.
// cursorOK says whether the endpoint is cursor-based.
func parseExport(r *http.Request, cursorOK bool, until time.Time) (exportQuery, error) {
	q := r.URL.Query()
	e := exportQuery{perPage: desk.MaxExportPage}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > desk.MaxExportPage {
			return e, badRequest("per_page must be a number from 1 to 1000")
		}
		e.perPage = n
	}
	if c := q.Get("cursor"); c != "" && cursorOK {
		k, err := decodeExportCursor(c)
		if err != nil {
			return e, badRequest("cursor is not a cursor this server issued")
		}
		e.key = k
		return e, nil
	}
	v := q.Get("start_time")
	if v == "" {
		return e, badRequest("start_time is required: a Unix time in seconds, e.g. start_time=1332034771")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return e, badRequest("start_time must be a Unix time in seconds, e.g. start_time=1332034771")
	}
	if n > until.Unix()+int64(desk.ExportSettle/time.Second) {
		return e, badRequest("start_time is in the future")
	}
	e.start, e.key = n, store.ExportKeyAt(time.Unix(n, 0))
	return e, nil
}

func encodeExportCursor(k store.ExportKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("x:%d.%d", k.At, k.ID)))
}

func decodeExportCursor(c string) (store.ExportKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return store.ExportKey{}, err
	}
	at, id, ok := strings.Cut(strings.TrimPrefix(string(b), "x:"), ".")
	if !ok || !strings.HasPrefix(string(b), "x:") {
		return store.ExportKey{}, strconv.ErrSyntax
	}
	var k store.ExportKey
	if k.At, err = strconv.ParseInt(at, 10, 64); err != nil {
		return k, err
	}
	k.ID, err = strconv.ParseInt(id, 10, 64)
	return k, err
}

// exportLink rebuilds the request URL with set replacing the paging parameters.
func exportLink(r *http.Request, set url.Values) string {
	q := r.URL.Query()
	for _, k := range []string{"cursor", "start_time"} {
		q.Del(k)
	}
	for k, v := range set {
		q[k] = v
	}
	u := *r.URL
	u.RawQuery = q.Encode()
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path += ".json"
	}
	return absoluteURL(r, u.RequestURI())
}

// cursorPage answers one cursor-based page. rows holds up to perPage+1 rows;
// the extra one only says the stream goes on. after_cursor is always given,
// at the end of the stream too, so a client polls on from it later; paging
// backwards is not offered (before_cursor is null).
func cursorPage[T any](r *http.Request, name string, q exportQuery, rows []T, key func(T) store.ExportKey, out func([]T) any) map[string]any {
	more := len(rows) > q.perPage
	if more {
		rows = rows[:q.perPage]
	}
	after := q.key // nothing new: poll again from here
	if len(rows) > 0 {
		after = key(rows[len(rows)-1])
	}
	ac := encodeExportCursor(after)
	return map[string]any{name: out(rows), "after_url": exportLink(r, url.Values{"cursor": {ac}}), "after_cursor": ac,
		"before_url": nil, "before_cursor": nil, "end_of_stream": !more}
}

// timePage cuts rows (up to MaxExportPage+1, read from q.key) into one
// time-based page that ends on a whole second, as Zendesk's pages do: the next
// page starts at end_time, so no row is shown twice or skipped. When every row
// read shares one second, the page grows to hold that whole second (fetch
// reads on after a key), as Zendesk's pages may exceed 1,000 then.
func timePage[T any](rows []T, q exportQuery, until time.Time, key func(T) store.ExportKey,
	fetch func(store.ExportKey) ([]T, error)) (page []T, endTime int64, endOfStream bool, err error) {
	if len(rows) <= desk.MaxExportPage {
		// All there is up to until: the next poll starts there (or at a
		// start_time inside the last, unsettled second).
		return rows, max(until.Unix(), q.start), true, nil
	}
	second := func(t T) int64 { return key(t).Time().Unix() }
	last := second(rows[desk.MaxExportPage-1])
	page = rows[:desk.MaxExportPage]
	if second(rows[desk.MaxExportPage]) != last {
		return page, last + 1, false, nil
	}
	// The page would end inside second last: leave that second to the next.
	n := len(page)
	for n > 0 && second(page[n-1]) == last {
		n--
	}
	if n > 0 {
		return page[:n], last, false, nil
	}
	// One second holds more than a page: read it to its end.
	page = rows
	for {
		more, err := fetch(key(page[len(page)-1]))
		if err != nil {
			return nil, 0, false, err
		}
		for _, t := range more {
			if second(t) != last {
				return page, last + 1, false, nil
			}
			page = append(page, t)
		}
		if len(more) == 0 {
			return page, last + 1, false, nil
		}
	}
}

func timeBody(r *http.Request, name string, items any, count int, endTime int64, eos bool) map[string]any {
	return map[string]any{name: items, "count": count, "end_time": endTime, "end_of_stream": eos,
		"next_page": exportLink(r, url.Values{"start_time": {strconv.FormatInt(endTime, 10)}})}
}

func exportKeyOf(e store.ExportTicket) store.ExportKey { return e.Key() }

func (s *Server) exportTicketsCursor(w http.ResponseWriter, r *http.Request) error {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, true, until)
	if err != nil {
		return err
	}
	rows, err := s.desk.ExportTickets(r.Context(), currentUser(r.Context()), q.key, until, q.perPage+1)
	if err != nil {
		return err
	}
	exclude := r.URL.Query().Get("exclude_deleted") == "true"
	var shown []store.ExportTicket
	body := cursorPage(r, "tickets", q, rows, exportKeyOf,
		func(rows []store.ExportTicket) any { shown = rows; return s.exportTicketsOut(rows, exclude) })
	if err := s.exportSideLoad(r, shown, exclude, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) exportTicketsTime(w http.ResponseWriter, r *http.Request) error {
	until := s.desk.ExportUntil()
	q, err := parseExport(r, false, until)
	if err != nil {
		return err
	}
	actor := currentUser(r.Context())
	fetch := func(k store.ExportKey) ([]store.ExportTicket, error) {
		return s.desk.ExportTickets(r.Context(), actor, k, until, desk.MaxExportPage)
	}
	rows, err := s.desk.ExportTickets(r.Context(), actor, q.key, until, desk.MaxExportPage+1)
	if err != nil {
		return err
	}
	page, end, eos, err := timePage(rows, q, until, exportKeyOf, fetch)
	if err != nil {
		return err
	}
	exclude := r.URL.Query().Get("exclude_deleted") == "true"
	items := s.exportTicketsOut(page, exclude)
	body := timeBody(r, "tickets", items, len(items), end, eos)
	if err := s.exportSideLoad(r, page, exclude, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// exportSideLoad adds the side-loads (include=users,groups,organizations) of
// the tickets an export page shows whole: a purged ticket shows only its id,
// so nothing it named (its requester, say) is loaded through it.
func (s *Server) exportSideLoad(r *http.Request, page []store.ExportTicket, excludeDeleted bool, body map[string]any) error {
	tickets := make([]model.Ticket, 0, len(page))
	for i := range page {
		if !page[i].Purged && !(page[i].Deleted && excludeDeleted) {
			tickets = append(tickets, page[i].Ticket)
		}
	}
	return s.sideLoad(r, tickets, body)
}

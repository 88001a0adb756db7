package api

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/twindesk/twindesk/internal/store"
)

const (
	defaultPerPage = 100
	maxPerPage     = 100
	// maxOffsetRecords is how deep offset pagination reaches, as in Zendesk
	// since 2024: a page starting past the first 10,000 records is a 400, and
	// cursor pagination goes further. A deep offset page makes the database
	// step over every record before it, a scan of the table per request.
	maxOffsetRecords = 10000
)

// pager reads Zendesk's two pagination styles from a request: offset (page,
// per_page) and cursor (page[size], page[after]).
type pager struct {
	cursor  bool
	page    int
	perPage int
	after   int64
	r       *http.Request
}

func parsePager(r *http.Request) (*pager, error) {
	q := r.URL.Query()
	p := &pager{page: 1, perPage: defaultPerPage, r: r}
	if size, after := q.Get("page[size]"), q.Get("page[after]"); size != "" || after != "" {
		p.cursor = true
		if size != "" {
			n, err := strconv.Atoi(size)
			if err != nil || n < 1 || n > maxPerPage {
				return nil, badRequest("page[size] must be a number from 1 to 100")
			}
			p.perPage = n
		}
		if after != "" {
			id, err := decodeCursor(after)
			if err != nil {
				return nil, badRequest("page[after] is not a cursor this server issued")
			}
			p.after = id
		}
		return p, nil
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, badRequest("per_page must be a positive number")
		}
		p.perPage = min(n, maxPerPage)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, badRequest("page must be a positive number")
		}
		p.page = n
	}
	if (p.page-1)*p.perPage >= maxOffsetRecords {
		return nil, badRequest("offset pagination reaches the first 10,000 records; use cursor pagination (page[size], page[after]) to go further")
	}
	return p, nil
}

// storePage asks for one row more than shown, to learn whether more exist.
func (p *pager) storePage() store.Page {
	if p.cursor {
		return store.Page{Limit: p.perPage + 1, AfterID: p.after}
	}
	return store.Page{Limit: p.perPage + 1, Offset: (p.page - 1) * p.perPage}
}

// trim cuts the extra row and reports whether there was one.
func trim[T any](p *pager, rows []T) ([]T, bool) {
	if len(rows) > p.perPage {
		return rows[:p.perPage], true
	}
	return rows, false
}

// envelope adds the pagination members to body: next_page/previous_page/count for
// offset pagination, meta/links for cursor pagination. lastID is the id of the last
// row shown; count is -1 when not known.
func (p *pager) envelope(body map[string]any, more bool, firstID, lastID int64, count int64) map[string]any {
	if p.cursor {
		after := ""
		var next any
		if more {
			after = encodeCursor(lastID)
			next = p.link(url.Values{"page[size]": {strconv.Itoa(p.perPage)}, "page[after]": {after}})
		}
		before := ""
		if firstID > 0 {
			before = encodeCursor(firstID)
		}
		body["meta"] = map[string]any{"has_more": more, "after_cursor": nilIfEmpty(after), "before_cursor": nilIfEmpty(before)}
		body["links"] = map[string]any{"next": next, "prev": nil}
		return body
	}
	var next, prev any
	if more {
		next = p.link(url.Values{"page": {strconv.Itoa(p.page + 1)}, "per_page": {strconv.Itoa(p.perPage)}})
	}
	if p.page > 1 {
		prev = p.link(url.Values{"page": {strconv.Itoa(p.page - 1)}, "per_page": {strconv.Itoa(p.perPage)}})
	}
	body["next_page"], body["previous_page"] = next, prev
	if count >= 0 {
		body["count"] = count
	}
	return body
}

// link rebuilds the request URL with the given pagination parameters.
func (p *pager) link(set url.Values) string {
	q := p.r.URL.Query()
	for _, k := range []string{"page", "per_page", "page[size]", "page[after]", "page[before]"} {
		q.Del(k)
	}
	for k, v := range set {
		q[k] = v
	}
	u := *p.r.URL
	u.RawQuery = q.Encode()
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path += ".json" // routing trimmed it; Zendesk's links carry it
	}
	return absoluteURL(p.r, u.RequestURI())
}

type baseURLKey struct{}

// absoluteURL makes path absolute on the instance's public URL (Config.BaseURL, put
// in the context by authenticated), so links work behind a TLS-terminating proxy;
// the request's own host is only a fallback.
func absoluteURL(r *http.Request, path string) string {
	if base, _ := r.Context().Value(baseURLKey{}).(string); base != "" {
		return base + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 4 || string(b[:3]) != "id:" {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(string(b[3:]), 10, 64)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

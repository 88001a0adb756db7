package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/httpx"
)

// BenchmarkTicketListPage renders the "My open tickets" view with 50 tickets (of
// 80 in the view, from 20 requesters) server-side, through the instance's whole
// handler (session lookup, counts of the four views, the page, names, template),
// with no browser and no network. The target is under 50 ms per page.
func BenchmarkTicketListPage(b *testing.B) {
	bb := setup(b, apitest.SQLite)
	for i := range 80 {
		bb.ticketAs(b, fmt.Sprintf("Printer %d is out of toner again", i), "Please send a new cartridge.",
			fmt.Sprintf("req%d@example.com", i%20), fmt.Sprintf("Requester %d", i%20))
	}
	c := bb.client(b)
	c.login(apitest.AdminEmail)
	u, _ := url.Parse(bb.env.URL)
	var cookies []*http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if strings.HasPrefix(ck.Name, httpx.SessionCookiePrefix) {
			cookies = append(cookies, ck)
		}
	}
	h := bb.env.Instance.Handler()
	page := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/views/mine", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := page()
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `<td><a href="/tickets/`) != 50 {
		b.Fatalf("status %d, %d rows", rec.Code, strings.Count(rec.Body.String(), `<td><a href="/tickets/`))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := page(); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

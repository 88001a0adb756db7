package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

var (
	rowRe   = regexp.MustCompile(`<td><a href="/tickets/(\d+)">`)
	countRe = regexp.MustCompile(`<span>([^<]+)</span> <span class="count">(\d+)</span>`)
)

// rows returns the ticket ids a list page shows, in order.
func rows(page string) []string {
	var out []string
	for _, m := range rowRe.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestViews(t *testing.T) {
	t.Parallel()
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			first := b.ticket(t, "Mine 0", "body", "r0@example.com", true)
			for i := 1; i < 55; i++ {
				b.ticket(t, fmt.Sprintf("Mine %d", i), "body", fmt.Sprintf("r%d@example.com", i%5), true)
			}
			for i := range 3 {
				subject := fmt.Sprintf("Unassigned %d", i)
				_, err := b.env.Instance.Desk.CreateTicket(context.Background(), b.admin, desk.TicketInput{Subject: &subject,
					Comment: &desk.CommentInput{Body: "x"}, GroupID: &b.groupID, Requester: &desk.RequesterInput{Email: "u@example.com"}}, "")
				if err != nil {
					t.Fatal(err)
				}
			}
			b.ticket(t, "No group", "body", "u@example.com", false)
			solved := "solved"
			if _, err := b.env.Instance.Desk.UpdateTicket(context.Background(), b.admin, first.ID, desk.TicketInput{Status: &solved}); err != nil {
				t.Fatal(err)
			}

			c := b.client(t)
			c.login(apitest.AdminEmail)
			_, page := c.get("/views/mine")
			counts := map[string]string{}
			for _, m := range countRe.FindAllStringSubmatch(page, -1) {
				counts[m[1]] = m[2]
			}
			// The default views (issue 19); "Unassigned tickets" is Zendesk's: every
			// unassigned unsolved ticket, the one with no group too.
			want := map[string]string{"Your unsolved tickets": "54", "Unassigned tickets": "4", "All unsolved tickets": "58",
				"Recently updated tickets": "59", "Pending tickets": "0"}
			for k, v := range want {
				if counts[k] != v {
					t.Errorf("count of %q = %q, want %s (all: %v)", k, counts[k], v, counts)
				}
			}
			if got := rows(page); len(got) != 50 || !strings.Contains(page, "Page 1 of 2") {
				t.Fatalf("page 1 of mine shows %d rows", len(got))
			}
			if _, page := c.get("/views/mine?page=2"); len(rows(page)) != 4 {
				t.Fatalf("page 2 of mine shows %d rows, want 4", len(rows(page)))
			}
			_, asc := c.get("/views/recent?sort=id&dir=asc")
			_, desc := c.get("/views/recent?sort=id&dir=desc")
			if r := rows(asc); r[0] != fmt.Sprint(first.ID) || rows(desc)[0] == r[0] {
				t.Fatalf("sort by id: asc starts %s, desc starts %s", r[0], rows(desc)[0])
			}
			if !strings.Contains(asc, `aria-sort="ascending"`) {
				t.Error("the sorted column is not marked aria-sort")
			}
			if status, _ := c.get("/views/nope"); status != http.StatusNotFound {
				t.Errorf("unknown view: status %d", status)
			}
			_, page = c.get(fmt.Sprintf("/users/%d/tickets", first.RequesterID))
			if got := rows(page); len(got) != 11 { // r0 requested tickets 0, 5, 10, ... 50
				t.Errorf("requester page lists %d tickets, want 11", len(got))
			}
		})
	}
}

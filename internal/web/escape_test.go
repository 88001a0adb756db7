package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// ticketAs creates a ticket assigned to the admin for a requester with a name.
func (b *bundle) ticketAs(t testing.TB, subject, body, email, name string) model.Ticket {
	t.Helper()
	in := desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
		Requester: &desk.RequesterInput{Email: email, Name: name}, AssigneeID: &b.admin.ID, GroupID: &b.groupID}
	res, err := b.env.Instance.Desk.CreateTicket(context.Background(), b.admin, in, "")
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket
}

// xssPages are the pages that show the payload ticket's subject, comment or
// requester name.
func xssPages(fd flowData) []string {
	return []string{"/views/mine", "/views/open", "/views/recent", fmt.Sprintf("/tickets/%d", fd.xssID),
		fmt.Sprintf("/users/%d/tickets", fd.xssRequester), "/search?q=onerror"}
}

// browserEscaping checks, in the DOM, that the payloads are text: no element was
// injected, nothing ran, and the exact strings are readable on the page.
func browserEscaping(t *testing.T, br *browser, fd flowData) {
	for _, path := range xssPages(fd) {
		br.open(path)
		if n := eval[int](br, `document.querySelectorAll("script:not([src]), img, [onerror]").length`); n != 0 {
			t.Errorf("%s: %d injected elements", path, n)
		}
		if pwned := eval[bool](br, `window.__pwned !== undefined`); pwned {
			t.Errorf("%s: a payload ran", path)
		}
		text := br.bodyText()
		if !strings.Contains(text, `<script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> {{ticket.id}}`) {
			t.Errorf("%s: the subject is not shown as text:\n%s", path, text)
		}
		if strings.HasPrefix(path, "/tickets/") {
			for _, want := range []string{"</textarea><script>window.__pwned=3</script>", "{{ticket.requester.email}}", xssName} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: %q is not shown as text", path, want)
				}
			}
		}
	}
	br.screenshot("escaping-ticket")
}

// TestEscapingHTML checks the raw HTML of every page showing the payloads, on
// both backends: markup arrives escaped and Liquid braces untouched.
func TestEscapingHTML(t *testing.T) {
	t.Parallel()
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			tk := b.ticketAs(t, xssSubject, xssBody, "xss@example.com", xssName)
			c := b.client(t)
			c.login(apitest.AdminEmail)
			for _, path := range xssPages(flowData{xssID: tk.ID, xssRequester: tk.RequesterID}) {
				status, page := c.get(path)
				if status != http.StatusOK {
					t.Fatalf("%s: status %d", path, status)
				}
				for _, bad := range []string{"<script>window", "<img src=x", `"><img`, "</textarea><script>"} {
					if strings.Contains(page, bad) {
						t.Errorf("%s: raw %q in the HTML", path, bad)
					}
				}
				for _, want := range []string{"&lt;script&gt;window.__pwned=1&lt;/script&gt;", "{{ticket.id}}"} {
					if !strings.Contains(page, want) {
						t.Errorf("%s: %q missing from the HTML", path, want)
					}
				}
			}
		})
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

// TestBrowserCollisionWarning, at 1280 and 390 px: while the agent types, another
// agent replies; the page warns (the poll also runs when the tab regains focus,
// which the test uses instead of waiting 15 s) and the typed text stays. A
// submit made anyway is refused with the other reply shown and the text kept;
// the second submit saves it.
func TestBrowserCollisionWarning(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			tk := b.ticket(t, "VPN drops", "every hour", "ann@example.com", false)
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")
			path := fmt.Sprintf("/tickets/%d", tk.ID)
			br.open(path)
			br.fill("body", "Try the new VPN profile.")

			br.do(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("focus"))`))
			time.Sleep(500 * time.Millisecond)
			if n := eval[int](br, `document.querySelectorAll("#collision-warning").length`); n != 0 {
				t.Fatal("warned although nobody else changed the ticket")
			}
			agentID, _ := b.env.CreateAgent(t, "Other Agent", "other@example.com")
			other, err := d.User(ctx, b.admin, agentID)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(1100 * time.Millisecond) // the stamp has second precision
			if _, err := d.UpdateTicket(ctx, other, tk.ID, desk.TicketInput{Comment: &desk.CommentInput{Body: "I reset the VPN token."}}); err != nil {
				t.Fatal(err)
			}
			br.do(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("focus"))`))
			br.do(chromedp.Poll[chromedp.Void](`document.getElementById("collision-warning") !== null`, chromedp.WithPollingTimeout(10*time.Second)))
			if w := br.text("#collision-warning"); !strings.Contains(w, "Someone else updated this ticket") {
				t.Errorf("warning says %q", w)
			}
			if v := eval[string](br, `document.getElementById("body").value`); v != "Try the new VPN profile." {
				t.Errorf("the typed text is now %q", v)
			}
			br.checkPage(fmt.Sprintf("collision warning at %d px", width))
			br.screenshot(fmt.Sprintf("collision-%d", width))

			// Submitting anyway: refused, the other reply shown, the text kept.
			br.clickAndLoad("#submit")
			if thread := br.text(".thread"); !strings.Contains(thread, "I reset the VPN token.") {
				t.Errorf("the refused submit's page lacks the other reply: %q", thread)
			}
			if v := eval[string](br, `document.getElementById("body").value`); v != "Try the new VPN profile." {
				t.Errorf("after the refused submit the text is %q", v)
			}
			if !strings.Contains(br.text(".errors"), "Someone changed this ticket") {
				t.Errorf("no stale notice: %q", br.text("main"))
			}
			br.clickAndLoad("#submit")
			comments, err := b.env.Instance.DB.Read().Comments(ctx, tk.ID, storePageAll)
			if err != nil {
				t.Fatal(err)
			}
			if last := comments[len(comments)-1].Body; last != "Try the new VPN profile." {
				t.Errorf("after submitting again the last comment is %q", last)
			}
		})
	}
}

// TestTicketUpdatedEndpoint: the poll answers the stamp for a ticket the user
// can see, and a JSON 404 otherwise.
func TestTicketUpdatedEndpoint(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Mouse", "broken", "ann@example.com", false)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, body := c.get(fmt.Sprintf("/tickets/%d/updated", tk.ID))
	if status != http.StatusOK || !strings.Contains(body, tk.UpdatedAt.Format(time.RFC3339Nano)) {
		t.Errorf("status %d body %s, want the ticket's stamp %s", status, body, tk.UpdatedAt.Format(time.RFC3339Nano))
	}
	if status, body := c.get("/tickets/999999/updated"); status != http.StatusNotFound || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown ticket: status %d body %s", status, body)
	}
}

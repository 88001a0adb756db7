package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserEscalateAsksFirst: with script, choosing a "→ secure" group asks
// with confirm(); declining sends nothing, accepting lands on the notice that
// the ticket is moving, without its content. Both pages fit a phone.
func TestBrowserEscalateAsksFirst(t *testing.T) {
	b := setup(t, apitest.SQLite)
	g := b.pseudoGroup(t)
	tk := b.ticket(t, "Salary question", "My salary is 4321.00 EUR", "ann@example.com", true)
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	br.open(path)
	br.viewport(390, 844)
	br.checkPage("ticket with secure groups, phone")
	br.do(chromedp.SetValue(chromedp.ID("group_id"), fmt.Sprint(g.ID)))

	// Declined: the form is not sent.
	br.do(chromedp.Evaluate[chromedp.Void](`window.asked = ""; window.confirm = function (m) { window.asked = m; return false; }`))
	br.do(chromedp.Click(chromedp.ID("submit")))
	if asked := eval[string](br, `window.asked`); !strings.Contains(asked, "Payroll (secure)") || !strings.Contains(asked, "secure desk") {
		t.Fatalf("confirm asked %q, want the group and that it goes to the secure desk", asked)
	}
	if loc := br.location(); loc != path {
		t.Fatalf("declined: at %s, want still on %s", loc, path)
	}
	if got, _ := b.env.Instance.Desk.Ticket(context.Background(), b.admin, tk.ID); got.GroupID == g.ID {
		t.Fatal("a declined move was saved")
	}

	// Accepted: sent with the confirmation, straight to the notice.
	br.do(chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`))
	br.clickAndLoad("#submit")
	if loc := br.location(); loc != path+"?flash=escalating" {
		t.Fatalf("accepted: at %s, want the escalation notice", loc)
	}
	text := br.bodyText()
	if strings.Contains(text, "4321.00") || !strings.Contains(text, "being moved to the secure instance") {
		t.Fatalf("escalation notice: %q", text)
	}
	br.checkPage("escalation notice, phone")
	br.screenshot("escalating-phone")
}

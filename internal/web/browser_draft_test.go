package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserDraftSurvivesExpiredSession: an agent types a reply, the session
// ends meanwhile, the submit is refused. Logging in again from the refusal page
// returns to the ticket with the typed text back in the reply box; once saved,
// the kept draft is gone.
func TestBrowserDraftSurvivesExpiredSession(t *testing.T) {
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Monitor flickers", "since Monday", "ann@example.com", true)
	br := newBrowser(t, b.env.URL)
	login := func() {
		br.fill("email", apitest.AdminEmail)
		br.fill("password", password)
		br.clickAndLoad("form[action='/login'] button")
	}
	br.open("/login")
	login()
	path := fmt.Sprintf("/tickets/%d", tk.ID)
	br.open(path)
	const typed = "Please try another cable, it is the usual culprit."
	br.fill("body", typed)
	br.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("body").dispatchEvent(new Event("input", {bubbles: true}))`))

	br.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error { // the session ends
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
	br.clickAndLoad("#submit")
	if !strings.Contains(br.bodyText(), "session has ended") {
		t.Fatalf("submit without a session: page says %q", br.bodyText())
	}
	br.clickAndLoad("#login-again")
	login()
	if loc := br.location(); loc != path {
		t.Fatalf("after logging in again at %s, want back on %s", loc, path)
	}
	if got := eval[string](br, `document.getElementById("body").value`); got != typed {
		t.Fatalf("reply box after logging in again holds %q, want the typed text", got)
	}
	if n := eval[int](br, `document.querySelectorAll("#draft-restored").length`); n != 1 {
		t.Fatal("no note says the text was restored")
	}
	br.clickAndLoad("#submit")
	if loc := br.location(); loc != path+"?flash=updated" {
		t.Fatalf("submit after restore: at %s", loc)
	}
	br.open(path)
	if got := eval[string](br, `document.getElementById("body").value`); got != "" {
		t.Fatalf("a saved reply comes back as a draft: %q", got)
	}
}

// TestBrowserNewTicketDraftSurvivesExpiredSession: the same for the new-ticket
// form's message: after logging in again the agent is back on the form with it.
func TestBrowserNewTicketDraftSurvivesExpiredSession(t *testing.T) {
	b := setup(t, apitest.SQLite)
	br := newBrowser(t, b.env.URL)
	login := func() {
		br.fill("email", apitest.AdminEmail)
		br.fill("password", password)
		br.clickAndLoad("form[action='/login'] button")
	}
	br.open("/login")
	login()
	br.open("/tickets/new")
	const typed = "The projector in room 4 shows only blue."
	br.fill("requester_email", "dan@example.com")
	br.fill("subject", "Projector")
	br.fill("body", typed)
	br.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("body").dispatchEvent(new Event("input", {bubbles: true}))`))
	br.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
	br.clickAndLoad("form[action='/tickets'] button.primary")
	br.clickAndLoad("#login-again")
	login()
	if loc := br.location(); loc != "/tickets/new" {
		t.Fatalf("after logging in again at %s, want the new-ticket form", loc)
	}
	if got := eval[string](br, `document.getElementById("body").value`); got != typed {
		t.Fatalf("message box holds %q, want the typed text", got)
	}
	br.fill("requester_email", "dan@example.com")
	br.fill("subject", "Projector")
	br.clickAndLoad("form[action='/tickets'] button.primary")
	if loc := br.location(); !strings.HasSuffix(loc, "?flash=created") {
		t.Fatalf("create after restore: at %s", loc)
	}
	br.open("/tickets/new")
	if got := eval[string](br, `document.getElementById("body").value`); got != "" {
		t.Fatalf("a created ticket's text comes back as a draft: %q", got)
	}
}

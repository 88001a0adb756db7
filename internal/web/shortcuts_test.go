package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserShortcuts, at 1280 and 390 px: j/k move through a ticket list and
// Enter opens the highlighted ticket; on it n starts an internal note, r a
// public reply, ? shows the list of shortcuts and Escape hides it; keys typed
// into the reply box stay text.
func TestBrowserShortcuts(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			b.ticket(t, "Keyboard broken", "keys stuck", "ann@example.com", false)
			b.ticket(t, "Mouse broken", "no clicks", "bo@example.com", false)
			b.ticket(t, "Screen broken", "dark", "cy@example.com", false)
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")
			br.open("/views/unassigned?sort=id")
			current := func() string {
				return eval[string](br, `(function (r) { return r ? r.querySelector("a").textContent : ""; })(document.querySelector("tr.kb-current"))`)
			}
			order := strings.Fields(eval[string](br, `Array.from(document.querySelectorAll("table.tickets tbody tr")).map(r => r.querySelector("a").textContent).join(" ")`))
			if len(order) != 3 {
				t.Fatalf("the view lists %v", order)
			}
			br.do(chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
			if c := current(); c != order[2] {
				t.Fatalf("after j j j the highlighted row is %q, want the third, %s", c, order[2])
			}
			br.do(chromedp.KeyEvent("k"))
			if c := current(); c != order[1] {
				t.Fatalf("after k the highlighted row is %q, want the second, %s", c, order[1])
			}
			br.checkPage(fmt.Sprintf("list with a highlighted row at %d px", width))
			if _, err := chromedp.Run(br.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(kb.Enter))); err != nil {
				t.Fatal(err)
			}
			if loc := br.location(); loc != "/tickets/"+strings.TrimPrefix(order[1], "#") {
				t.Fatalf("Enter opened %s, want ticket %s", loc, order[1])
			}

			focused := chromedp.Poll[chromedp.Void](`document.activeElement.id === "body"`, chromedp.WithPollingTimeout(5*time.Second))
			br.do(chromedp.KeyEvent("n"), focused)
			if s := eval[string](br, `document.activeElement.id + "/" + document.getElementById("vis-internal").checked`); s != "body/true" {
				t.Errorf("after n: focus/internal = %s, want body/true", s)
			}
			br.do(chromedp.KeyEvent("jr")) // typed into the box: text, not shortcuts
			if v := eval[string](br, `document.getElementById("body").value + "/" + document.getElementById("vis-internal").checked`); v != "jr/true" {
				t.Errorf("typing j r into the reply: value/internal = %s", v)
			}
			br.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
			br.do(chromedp.KeyEvent("r"), focused)
			if s := eval[string](br, `document.activeElement.id + "/" + document.getElementById("vis-public").checked`); s != "body/true" {
				t.Errorf("after r: focus/public = %s, want body/true", s)
			}
			br.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
			br.do(chromedp.KeyEvent("?"))
			if help := br.text("#shortcut-help"); !strings.Contains(help, "internal note") {
				t.Errorf("? shows %q", help)
			}
			br.checkPage(fmt.Sprintf("shortcut help at %d px", width))
			br.screenshot(fmt.Sprintf("shortcuts-%d", width))
			br.do(chromedp.KeyEvent(kb.Escape))
			if !eval[bool](br, `document.getElementById("shortcut-help").hidden`) {
				t.Error("Escape left the help open")
			}
		})
	}
}

package web_test

import (
	"fmt"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserListsWithoutNavUseTheWidth: search results and a requester's
// tickets have no views sidebar, so their table takes the page's width instead
// of the 15 rem sidebar column, and status, priority and updated stay in view.
func TestBrowserListsWithoutNavUseTheWidth(t *testing.T) {
	b := setup(t, apitest.SQLite)
	tk := b.ticket(t, "Keyboard missing keys", "the E key fell off", "ann@example.com", true)
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	for _, path := range []string{"/search?q=keyboard", fmt.Sprintf("/users/%d/tickets", tk.RequesterID)} {
		br.open(path)
		if w := eval[float64](br, `document.querySelector("section.list").getBoundingClientRect().width`); w < 800 {
			t.Fatalf("%s: the list is %.0f px wide in a 1280 px window, squeezed into the sidebar column", path, w)
		}
		hidden := eval[int](br, `Array.from(document.querySelectorAll("section.list th")).filter(th => {
			const r = th.getBoundingClientRect(); return r.right > window.innerWidth || r.width === 0 }).length`)
		if hidden > 0 {
			t.Fatalf("%s: %d columns are out of view", path, hidden)
		}
	}
}

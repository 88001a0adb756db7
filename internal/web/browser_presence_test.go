package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestBrowserAlsoViewing, at 1280 and 390 px: two agents open the same
// ticket in two browsers; each page names the other ("Also viewing"), and
// an agent on another ticket is named on neither.
func TestBrowserAlsoViewing(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			tk := b.ticket(t, "Monitor", "flickers", "ann@example.com", false)
			other := b.ticket(t, "Mouse", "double clicks", "bo@example.com", false)
			b.env.CreateAgent(t, "Ada Agent", "ada@example.com")
			b.env.CreateAgent(t, "Cy Agent", "cy@example.com")
			for _, email := range []string{"ada@example.com", "cy@example.com"} {
				if err := b.env.Instance.Desk.SetPassword(ctx, email, password); err != nil {
					t.Fatal(err)
				}
			}
			login := func(br *browser, email string) {
				br.viewport(width, 900)
				br.open("/login")
				br.fill("email", email)
				br.fill("password", password)
				br.clickAndLoad("form[action='/login'] button")
			}
			admin, ada, cy := newBrowser(t, b.env.URL), newBrowser(t, b.env.URL), newBrowser(t, b.env.URL)
			login(admin, apitest.AdminEmail)
			login(ada, "ada@example.com")
			login(cy, "cy@example.com")
			cy.open(fmt.Sprintf("/tickets/%d", other.ID))
			admin.open(fmt.Sprintf("/tickets/%d", tk.ID))
			ada.open(fmt.Sprintf("/tickets/%d", tk.ID))
			// Ada's page polled at once and names the admin who was there first.
			ada.do(chromedp.Poll[chromedp.Void](`(document.getElementById("also-viewing") || {}).textContent === "Also viewing: Admin"`,
				chromedp.WithPollingTimeout(10*time.Second)))
			// The admin's next poll (the tab comes back into view) names Ada.
			admin.do(chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("focus"))`))
			admin.do(chromedp.Poll[chromedp.Void](`(document.getElementById("also-viewing") || {}).textContent.startsWith("Also viewing")`,
				chromedp.WithPollingTimeout(10*time.Second)))
			if got := admin.text("#also-viewing"); got != "Also viewing: Ada Agent" {
				t.Errorf("the admin's page says %q", got)
			}
			if got := eval[string](cy, `(document.getElementById("also-viewing") || {}).textContent || ""`); strings.Contains(got, "Ada") || strings.Contains(got, "Admin") {
				t.Errorf("an agent on another ticket is told %q", got)
			}
			admin.checkPage(fmt.Sprintf("also viewing at %d px", width))
			admin.screenshot(fmt.Sprintf("also-viewing-%d", width))
		})
	}
}

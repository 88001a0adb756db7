package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestBrowserAccentColour, at 1280 and 390 px on both desks: an admin sets the
// accent colour; the login page's desk bar then wears it on the standard desk,
// and on the secure desk stays red with the accent as a band only.
func TestBrowserAccentColour(t *testing.T) {
	for _, secure := range []bool{false, true} {
		for _, width := range []int64{1280, 390} {
			t.Run(fmt.Sprintf("secure=%v/%d", secure, width), func(t *testing.T) {
				b := setup(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.Confidential = secure }))
				br := newBrowser(t, b.env.URL)
				br.viewport(width, 900)
				br.open("/login")
				before := eval[string](br, `getComputedStyle(document.getElementById("deskbar")).backgroundColor`)
				br.fill("email", apitest.AdminEmail)
				br.fill("password", password)
				br.clickAndLoad("form[action='/login'] button")
				br.open("/admin/")
				br.do(chromedp.SetValue(chromedp.ID("accent_colour"), "#1a4f8b"))
				br.clickAndLoad("#identity-save")
				if !strings.Contains(br.text(".flash"), "Saved") {
					t.Fatalf("after saving the accent: %q", br.text("main"))
				}
				br.checkPage(fmt.Sprintf("admin identity at %d px", width))
				br.clickAndLoad("form[action='/logout'] button")
				br.open("/login")
				bar := eval[string](br, `(function (s) { return s.backgroundColor + "|" + s.boxShadow; })(getComputedStyle(document.getElementById("deskbar")))`)
				bg, shadow, _ := strings.Cut(bar, "|")
				accent := "rgb(26, 79, 139)"
				if secure {
					if bg != before || !strings.Contains(shadow, accent) {
						t.Errorf("secure login bar: background %s (want it still %s), shadow %q (want the accent band)", bg, before, shadow)
					}
				} else if bg != accent {
					t.Errorf("standard login bar: background %s, want the accent %s (was %s)", bg, accent, before)
				}
				br.screenshot(fmt.Sprintf("accent-secure-%v-%d", secure, width))
			})
		}
	}
}

// TestAccentColourRefusals: a forged colour is a 422 that keeps the old one;
// an agent can't set it; "Remove the accent" clears it.
func TestAccentColourRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	c.get("/admin/")
	if status, _, _ := c.post("/admin/identity", url.Values{"accent_colour": {"#1A4F8B"}}); status != http.StatusSeeOther {
		t.Fatalf("saving a colour: status %d", status)
	}
	status, _, page := c.post("/admin/identity", url.Values{"accent_colour": {"red;}body{display:none"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "is not a colour") {
		t.Fatalf("a forged colour: status %d", status)
	}
	if _, css := c.get("/accent.css"); !strings.Contains(css, "#1a4f8b") || strings.Contains(css, "display") {
		t.Fatalf("after the refusal the stylesheet is %q", css)
	}
	if status, _, _ := c.post("/admin/identity", url.Values{"accent_colour": {"#000000"}, "no_accent": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("removing the accent: status %d", status)
	}
	if _, css := c.get("/accent.css"); strings.TrimSpace(css) != "" {
		t.Fatalf("after removing the accent the stylesheet is %q", css)
	}
	b.env.CreateAgent(t, "Ivo IT", "ivo@example.com")
	if err := b.env.Instance.Desk.SetPassword(t.Context(), "ivo@example.com", password); err != nil {
		t.Fatal(err)
	}
	agent := b.client(t)
	agent.login("ivo@example.com")
	if status, _, _ := agent.post("/admin/identity", url.Values{"accent_colour": {"#ff0000"}}); status != http.StatusForbidden {
		t.Fatalf("an agent setting the accent: status %d, want 403", status)
	}
}

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestBrowserAutomationsPage: the admin overview shows the default automation
// in words and the scheduled runs as they happen.
func TestBrowserAutomationsPage(t *testing.T) {
	b := setup(t, apitest.SQLite, apitest.WithQueue(), apitest.WithConfig(func(c *config.Serve) { c.AutomationInterval = time.Second }))
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	br.open("/admin/automations")
	if got := br.text("#automations tbody"); !strings.Contains(got, "Close ticket 4 days after status is set to solved") ||
		!strings.Contains(got, "hours_since_solved greater_than 96") || !strings.Contains(got, "status closed") {
		t.Fatalf("the default automation reads %q", got)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		br.open("/admin/automations")
		if eval[bool](br, `document.querySelector("#automation-runs tbody tr") !== null`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no scheduled run shown within 15 s at a 1 s interval")
		}
		time.Sleep(500 * time.Millisecond)
	}
	if got := br.text("#automation-runs tbody tr"); !strings.Contains(got, "/") {
		t.Fatalf("a run row without its node: %q", got)
	}
}

package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
)

// TestEveryPageSaysWhichDesk: the secure and the standard instance no longer
// look identical. Every page, the login page included, names the desk in a
// coloured bar and in its title.
func TestEveryPageSaysWhichDesk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		secure     bool
		named      string // --instance-name
		accent     string // set in admin
		want, not  string
		bodyMarker string
	}{
		{"standard", false, "", "", "IT desk", "Secure desk", `class="desk-standard"`},
		{"secure", true, "", "", "Secure desk — HR/Payroll", "IT desk", `class="desk-secure"`},
		{"named standard", false, "Acme IT", "#1a4f8b", "Acme IT", "Secure desk", `class="desk-standard"`},
		// A secure desk's own name can't hide that it is the secure one.
		{"named secure", true, "Payroll", "#1a4f8b", "Secure desk — Payroll", "IT desk", `class="desk-secure"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := []apitest.Option{apitest.WithConfig(func(c *config.Serve) { c.Confidential, c.InstanceName = tc.secure, tc.named })}
			b := setup(t, apitest.SQLite, opts...)
			if tc.accent != "" {
				if err := b.env.Instance.Desk.SetAccentColour(context.Background(), b.admin, tc.accent); err != nil {
					t.Fatal(err)
				}
			}
			tk := b.ticket(t, "Laptop", "broken", "ann@example.com", true)
			c := b.client(t)
			_, login := c.get("/login")
			c.login(apitest.AdminEmail)
			pages := map[string]string{"/login": login}
			for _, path := range []string{"/views/mine", fmt.Sprintf("/tickets/%d", tk.ID), "/search?q=laptop", "/tickets/new"} {
				_, pages[path] = c.get(path)
			}
			for path, page := range pages {
				if !strings.Contains(page, `id="deskbar">`) || !strings.Contains(page, tc.bodyMarker) {
					t.Fatalf("%s: no desk bar marked %s", path, tc.bodyMarker)
				}
				if !strings.Contains(page, tc.want+"</p>") || strings.Contains(page, tc.not) {
					t.Fatalf("%s: desk bar should say %q, not %q", path, tc.want, tc.not)
				}
				if !strings.Contains(page, "· "+tc.want+" · twindesk</title>") {
					t.Fatalf("%s: title does not name %q", path, tc.want)
				}
				if link := `href="/accent.css?c=` + strings.TrimPrefix(tc.accent, "#") + `"`; tc.accent != "" && !strings.Contains(page, link) {
					t.Fatalf("%s: no accent stylesheet %s", path, link)
				}
			}
		})
	}
}

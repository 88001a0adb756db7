package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserAutomationEditor, at 1280 and 390 px: an admin creates an
// automation in the editor; one without an action that nullifies a condition
// gets the desk's (the API's) message and nothing is stored; then it is saved,
// edited, moved above the default automation, deactivated and deleted.
func TestBrowserAutomationEditor(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			autos := func() []model.Automation {
				t.Helper()
				all, err := d.Automations(ctx, b.admin, false)
				if err != nil {
					t.Fatal(err)
				}
				return all
			}
			before := len(autos())
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			br.open("/admin/automations")
			br.clickAndLoad("#new-automation")
			br.fill("title", "Nudge pending")
			br.fill("all_field_0", "hours_since_pending")
			br.fill("all_op_0", "greater_than")
			br.fill("all_value_0", "48")
			br.fill("act_field_0", "priority")
			br.fill("act_value_0", "high")
			br.clickAndLoad("#save-automation")
			if msg := br.text("main"); !strings.Contains(msg, "nullifies") {
				t.Fatalf("an automation that would fire forever: page says %q", msg)
			}
			if n := len(autos()); n != before {
				t.Fatalf("a refused automation was stored (%d automations, was %d)", n, before)
			}
			// The rows typed are still on the form; a condition the action nullifies fixes it.
			if v := eval[string](br, `document.getElementById("all_field_0").value`); v != "hours_since_pending" {
				t.Fatalf("the refused form lost its rows: %q", v)
			}
			br.fill("all_field_1", "priority")
			br.fill("all_op_1", "is_not")
			br.fill("all_value_1", "high")
			br.checkPage(fmt.Sprintf("automation form at %d px", width))
			br.clickAndLoad("#save-automation")
			all := autos()
			if len(all) != before+1 || all[len(all)-1].Title != "Nudge pending" || len(all[len(all)-1].Conditions.All) != 2 {
				t.Fatalf("saved automations %+v", all)
			}
			id := all[len(all)-1].ID
			if got := br.text("#automations tbody"); !strings.Contains(got, "hours_since_pending greater_than 48") {
				t.Fatalf("the list shows %q", got)
			}
			br.checkPage(fmt.Sprintf("automations list at %d px", width))

			// Edit the title; a time condition under "any" is refused next to its row.
			br.open(fmt.Sprintf("/admin/automations/%d", id))
			br.fill("title", "Nudge pending tickets")
			br.fill("any_field_0", "hours_since_created")
			br.fill("any_op_0", "greater_than")
			br.fill("any_value_0", "1")
			br.clickAndLoad("#save-automation")
			if msg := br.text(".rule-row.invalid"); !strings.Contains(msg, "time conditions belong in conditions.all") {
				t.Fatalf("a time condition under any: row says %q", msg)
			}
			if a, _ := d.Automation(ctx, b.admin, id); a.Title != "Nudge pending" {
				t.Fatalf("a refused edit changed the title to %q", a.Title)
			}
			br.fill("any_field_0", "")
			br.clickAndLoad("#save-automation")
			if a, _ := d.Automation(ctx, b.admin, id); a.Title != "Nudge pending tickets" {
				t.Fatalf("after editing, the title is %q", a.Title)
			}

			// Move it up to the first place, deactivate it, delete it.
			for range before {
				br.clickAndLoad(fmt.Sprintf(`form[action="/admin/automations/%d/move"] button[value=up]`, id))
			}
			if all := autos(); all[0].ID != id {
				t.Fatalf("after moving up, the order is %+v", all)
			}
			br.clickAndLoad(fmt.Sprintf(`form[action="/admin/automations/%d/active"] button`, id))
			if a, _ := d.Automation(ctx, b.admin, id); a.Active {
				t.Fatal("deactivate left the automation active")
			}
			br.screenshot(fmt.Sprintf("automation-editor-%d", width))
			br.clickAndLoad(fmt.Sprintf(`form[action="/admin/automations/%d/delete"] button`, id))
			if n := len(autos()); n != before {
				t.Fatalf("after delete %d automations (was %d)", n, before)
			}
		})
	}
}

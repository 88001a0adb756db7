package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
)

// TestBrowserMacroEditor, at 1280 and 390 px: an agent creates a macro in
// the editor (a property row and a comment), which is personal (other agents
// don't get it), edits its title, is shown the desk's message for a bad
// action without anything saved, and deletes it.
func TestBrowserMacroEditor(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			adaID, _ := b.env.CreateAgent(t, "Ada Agent", "ada@example.com")
			if err := d.SetPassword(ctx, "ada@example.com", password); err != nil {
				t.Fatal(err)
			}
			ada, err := d.User(ctx, b.admin, adaID)
			if err != nil {
				t.Fatal(err)
			}
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", "ada@example.com")
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			br.open("/macros")
			br.clickAndLoad("#new-macro")
			br.fill("title", "Printers::Toner")
			br.fill("act_field_0", "status")
			br.fill("act_value_0", "pending")
			br.fill("comment", "Hi {{ticket.requester.first_name}}, toner is on its way.")
			br.checkPage(fmt.Sprintf("macro form at %d px", width))
			br.clickAndLoad("#save-macro")
			if got := br.text("#macro-list"); !strings.Contains(got, "Printers::Toner") || !strings.Contains(got, "personal") {
				t.Fatalf("the list shows %q", got)
			}
			mine, err := d.Macros(ctx, ada, desk.MacroFilter{})
			if err != nil || len(mine) != 1 || len(mine[0].Actions) != 3 || !mine[0].Restriction.Personal() {
				t.Fatalf("saved macros %+v (%v)", mine, err)
			}
			if others, _ := d.Macros(ctx, b.admin, desk.MacroFilter{Access: "shared"}); len(others) != 0 {
				t.Errorf("an agent's macro is shared: %+v", others)
			}
			br.checkPage(fmt.Sprintf("macro list at %d px", width))

			// Edit: a new title, and a bad action is refused with nothing saved.
			br.open(fmt.Sprintf("/macros/%d", mine[0].ID))
			if v := eval[string](br, `document.getElementById("comment").value`); !strings.HasPrefix(v, "Hi {{ticket.requester.first_name}}") {
				t.Errorf("the comment box shows %q", v)
			}
			br.fill("title", "Printers::Toner ordered")
			br.fill("act_field_1", "no_such_action")
			br.fill("act_value_1", "x")
			br.clickAndLoad("#save-macro")
			if msg := br.text("main"); !strings.Contains(msg, "no_such_action") {
				t.Errorf("a bad action: page says %q", msg)
			}
			if m, _ := d.Macro(ctx, ada, mine[0].ID); m.Title != "Printers::Toner" {
				t.Errorf("a refused save changed the title to %q", m.Title)
			}
			br.fill("act_field_1", "")
			br.clickAndLoad("#save-macro")
			if m, _ := d.Macro(ctx, ada, mine[0].ID); m.Title != "Printers::Toner ordered" {
				t.Errorf("after editing, the title is %q", m.Title)
			}
			br.screenshot(fmt.Sprintf("macro-editor-%d", width))

			// The save's flash may still be on screen: wait for the page the delete loads.
			br.clickAndLoad(`#macro-list form button`)
			br.do(chromedp.WaitVisible(chromedp.CSS(".flash")))
			if left, _ := d.Macros(ctx, ada, desk.MacroFilter{}); len(left) != 0 {
				t.Errorf("after delete %d macros are left", len(left))
			}
		})
	}
}

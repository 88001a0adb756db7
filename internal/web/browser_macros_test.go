package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserMacrosViewsBulk, at 1280 and 390 px: the sidebar lists the views
// with their counts; "Apply macro" fills the reply (placeholders rendered, the
// typed text kept) and the properties, and only the agent's submit saves them;
// "Assign to me" fills the assignee; bulk edit changes the selected rows of a
// view and no others.
func TestBrowserMacrosViewsBulk(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			unassigned := b.ticket(t, "Printer jammed", "paper everywhere", "ann@example.com", false)
			var others []model.Ticket
			for i := range 3 {
				others = append(others, b.ticket(t, fmt.Sprintf("Laptop %d", i), "slow", "bo@example.com", false))
			}
			macro, err := d.SaveMacro(ctx, b.admin, model.Macro{Title: "Printers::Jam", Active: true, Actions: []model.Action{
				{Field: "status", Value: []string{"pending"}}, {Field: "priority", Value: []string{"high"}},
				{Field: "comment_value", Value: []string{"Hi {{ticket.requester.first_name}}, open tray 2 of ticket {{ticket.id}}."}},
			}})
			if err != nil {
				t.Fatal(err)
			}

			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			// The views and their counts.
			br.open("/views/2")
			nav := br.text("nav.views")
			for _, want := range []string{"Your unsolved tickets", "Unassigned tickets 4", "All unsolved tickets 4", "Pending tickets 0"} {
				if !strings.Contains(strings.Join(strings.Fields(nav), " "), want) {
					t.Errorf("sidebar %q lacks %q", nav, want)
				}
			}
			br.checkPage(fmt.Sprintf("view at %d px", width))
			br.screenshot(fmt.Sprintf("view-bulk-%d", width))

			// Bulk edit: two of the four rows.
			br.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=ids][value="%d"]`, others[0].ID))),
				chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=ids][value="%d"]`, others[1].ID))))
			br.do(chromedp.SetValue(chromedp.ID("bulk-status"), "hold"),
				chromedp.SetValue(chromedp.ID("bulk-assignee"), fmt.Sprint(b.admin.ID)))
			br.fill("bulk-tags", "fleet")
			br.clickAndLoad("#bulk-submit")
			if !strings.Contains(br.text(".flash"), "Selected tickets updated") {
				t.Fatalf("after bulk edit: %q at %s", br.text("main"), br.location())
			}
			for i, tk := range others {
				got, err := d.Ticket(ctx, b.admin, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				edited := got.Status == model.StatusHold && got.AssigneeID == b.admin.ID && slices.Contains(got.Tags, "fleet")
				if edited != (i < 2) {
					t.Errorf("ticket %d: status %s assignee %d tags %v; selected: %v", tk.ID, got.Status, got.AssigneeID, got.Tags, i < 2)
				}
			}
			if n := strings.Join(strings.Fields(br.text("nav.views")), " "); !strings.Contains(n, "Unassigned tickets 2") {
				t.Errorf("after assigning two, sidebar says %q", n)
			}

			// Apply a macro on a ticket page, after typing a line.
			br.open(fmt.Sprintf("/tickets/%d", unassigned.ID))
			br.do(chromedp.WaitVisible(chromedp.ID("macro-menu")))
			br.fill("body", "Thanks for waiting.")
			br.do(chromedp.SetValue(chromedp.ID("macro"), fmt.Sprint(macro.ID)))
			br.do(chromedp.Poll[chromedp.Void](`document.getElementById("macro-note").textContent.startsWith("Macro applied")`, chromedp.WithPollingTimeout(10*time.Second)))
			body := eval[string](br, `document.getElementById("body").value`)
			want := fmt.Sprintf("Thanks for waiting.\n\nHi ann, open tray 2 of ticket %d.", unassigned.ID)
			if body != want {
				t.Errorf("reply after the macro = %q, want %q", body, want)
			}
			if s := eval[string](br, `document.getElementById("status").value + "/" + document.getElementById("priority").value`); s != "pending/high" {
				t.Errorf("status/priority after the macro = %s", s)
			}
			if got, _ := d.Ticket(ctx, b.admin, unassigned.ID); got.Status != model.StatusNew {
				t.Fatalf("applying the macro saved the ticket: status %s", got.Status)
			}
			br.checkPage(fmt.Sprintf("ticket at %d px", width))

			// Assign to me, then the agent submits the whole form.
			br.do(chromedp.Click(chromedp.ID("assign-me")))
			if v := eval[string](br, `document.getElementById("assignee_id").value`); v != fmt.Sprint(b.admin.ID) {
				t.Errorf("assign to me set the assignee to %q", v)
			}
			br.clickAndLoad("#submit")
			got, err := d.Ticket(ctx, b.admin, unassigned.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != model.StatusPending || got.Priority != "high" || got.AssigneeID != b.admin.ID {
				t.Errorf("after submit: status %s priority %q assignee %d", got.Status, got.Priority, got.AssigneeID)
			}
			comments, err := b.env.Instance.DB.Read().Comments(ctx, unassigned.ID, storePageAll)
			if err != nil {
				t.Fatal(err)
			}
			if last := comments[len(comments)-1]; strings.ReplaceAll(last.Body, "\r\n", "\n") != want || !last.Public {
				t.Errorf("the saved reply is %q (public %v)", last.Body, last.Public)
			}
			br.screenshot(fmt.Sprintf("macros-%d", width))
		})
	}
}

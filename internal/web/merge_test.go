package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestMergeNeverKeepsHRText plays an IT agent who moved a salary question to
// "Payroll (secure)" and then tries to merge it into a normal ticket, which
// would keep its text on standard after the escalation purges the original.
// Every way is refused and changes nothing: the escalating ticket as source,
// as target, and a stub either way.
func TestMergeNeverKeepsHRText(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	g := b.pseudoGroup(t)
	b.env.CreateAgent(t, "Ivo IT", "ivo@example.com")
	if err := d.SetPassword(ctx, "ivo@example.com", password); err != nil {
		t.Fatal(err)
	}
	salary := b.ticket(t, "Salary question", "My salary is 4321.00 EUR", "ann@example.com", false)
	normal := b.ticket(t, "Laptop slow", "takes ages", "ann@example.com", false)
	stub := b.stub(t, "17", "bo@example.com")
	c := b.client(t)
	c.login("ivo@example.com")
	spath := fmt.Sprintf("/tickets/%d", salary.ID)
	c.get(spath)
	if status, _, _ := c.post(spath, url.Values{"group_id": {fmt.Sprint(g.ID)}, "confirm_escalation": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("moving the ticket to Payroll: status %d", status)
	}
	if got, _ := d.Ticket(ctx, b.admin, salary.ID); !got.HasTag("escalation_in_progress") {
		t.Fatalf("the ticket is not escalating: tags %v", got.Tags)
	}
	if _, page := c.get(spath); strings.Contains(page, `id="merge-form"`) {
		t.Error("an escalating ticket's page offers Merge into…")
	}
	c.get(fmt.Sprintf("/tickets/%d", normal.ID)) // a fresh CSRF token
	for _, tc := range []struct {
		name           string
		source, target int64
	}{
		{"escalating into normal", salary.ID, normal.ID},
		{"normal into escalating", normal.ID, salary.ID},
		{"stub into normal", stub.ID, normal.ID},
		{"normal into stub", normal.ID, stub.ID},
	} {
		for _, confirm := range []string{"", "1"} {
			status, loc, page := c.post(fmt.Sprintf("/tickets/%d/merge", tc.source), url.Values{"target": {fmt.Sprint(tc.target)}, "confirm": {confirm}})
			if status == http.StatusSeeOther || status == http.StatusOK {
				t.Errorf("%s (confirm %q): status %d location %q, want a refusal", tc.name, confirm, status, loc)
			}
			if strings.Contains(page, "4321") || strings.Contains(page, "Salary question") {
				t.Errorf("%s (confirm %q): the refusal shows the escalating ticket's content", tc.name, confirm)
			}
		}
	}
	for _, tk := range []model.Ticket{salary, normal, stub} {
		got, err := d.Ticket(ctx, b.admin, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == model.StatusClosed || got.HasTag(desk.TagClosedByMerge) {
			t.Errorf("ticket %d was merged: status %s tags %v", tk.ID, got.Status, got.Tags)
		}
	}
	comments, err := b.env.Instance.DB.Read().Comments(ctx, normal.ID, storePageAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 {
		t.Errorf("the normal ticket got %d comments from refused merges", len(comments)-1)
	}
}

// TestBrowserMerge, at 1280 and 390 px: "Merge into…" asks for the number,
// shows the target to confirm, then closes this ticket into it and lands there.
func TestBrowserMerge(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			dup := b.ticket(t, "Printer jams again", "floor 3", "ann@example.com", false)
			target := b.ticket(t, "Printer on floor 3", "it jams", "bo@example.com", false)
			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")

			br.open(fmt.Sprintf("/tickets/%d", dup.ID))
			br.do(chromedp.Click(chromedp.CSS("#merge summary")))
			br.fill("merge-target", "#999999")
			br.clickAndLoad("#merge-next")
			if txt := br.bodyText(); !strings.Contains(txt, "#999999 doesn't exist") {
				t.Fatalf("an unknown target: page says %q", txt)
			}
			br.do(chromedp.Click(chromedp.CSS("#merge summary")))
			br.fill("merge-target", fmt.Sprint(target.ID))
			br.clickAndLoad("#merge-next")
			confirm := br.text("#merge-confirm")
			if !strings.Contains(confirm, fmt.Sprintf("#%d Printer on floor 3", target.ID)) {
				t.Fatalf("the confirmation shows %q, want the target's number and subject", confirm)
			}
			br.checkPage(fmt.Sprintf("merge confirmation at %d px", width))
			br.screenshot(fmt.Sprintf("merge-confirm-%d", width))
			if got, _ := d.Ticket(ctx, b.admin, dup.ID); got.Status == model.StatusClosed {
				t.Fatal("the ticket was merged before the agent confirmed")
			}
			br.clickAndLoad("#merge-yes")
			if loc := br.location(); !strings.HasPrefix(loc, fmt.Sprintf("/tickets/%d", target.ID)) {
				t.Fatalf("after the merge: at %s, want the target", loc)
			}
			if !strings.Contains(br.text(".flash"), "merged") {
				t.Errorf("no merged notice: %q", br.text("main"))
			}
			if thread := br.text(".thread"); !strings.Contains(thread, fmt.Sprintf("Request #%d", dup.ID)) {
				t.Errorf("the target's thread lacks the merge note: %q", thread)
			}
			got, err := d.Ticket(ctx, b.admin, dup.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != model.StatusClosed || !slices.Contains(got.Tags, desk.TagClosedByMerge) {
				t.Errorf("the merged ticket: status %s tags %v", got.Status, got.Tags)
			}
		})
	}
}

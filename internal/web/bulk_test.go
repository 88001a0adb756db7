package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBulkEditRefusals: bulk edit never moves tickets into a pseudo group (that
// sends their content to the secure desk, one confirmed ticket at a time), the
// form doesn't offer one, a forged selection is refused, and refusals change
// nothing; a partial failure still updates the rest and says so.
func TestBulkEditRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	g := b.pseudoGroup(t)
	a := b.ticket(t, "Salary question", "x", "ann@example.com", false)
	other := b.ticket(t, "Mouse", "x", "bo@example.com", false)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get("/views/unassigned")
	if !strings.Contains(page, `id="bulk-form"`) || strings.Contains(page, fmt.Sprintf(`<option value="%d">Payroll`, g.ID)) {
		t.Fatal("the bulk form is missing, or offers the pseudo group")
	}
	ids := []string{fmt.Sprint(a.ID), fmt.Sprint(other.ID)}
	for name, form := range map[string]url.Values{
		"pseudo group": {"ids": ids, "group_id": {fmt.Sprint(g.ID)}, "back": {"/views/unassigned"}},
		"bad id":       {"ids": {"x"}, "status": {"open"}},
		"no rows":      {"status": {"open"}},
	} {
		if status, _, _ := c.post("/views/bulk", form); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, status)
		}
	}
	ctx := context.Background()
	for _, tk := range []model.Ticket{a, other} {
		got, err := b.env.Instance.Desk.Ticket(ctx, b.admin, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.GroupID != 0 || got.Status != model.StatusNew || len(got.Tags) > 0 {
			t.Errorf("a refused bulk edit changed ticket %d: %+v", tk.ID, got)
		}
	}

	// Closed tickets can't change: the open one is still updated.
	closed := "closed"
	if _, err := b.env.Instance.DB.WriteDB().ExecContext(ctx, `UPDATE tickets SET status = $1 WHERE id = $2`, closed, other.ID); err != nil {
		t.Fatal(err)
	}
	status, loc, _ := c.post("/views/bulk", url.Values{"ids": ids, "status": {"pending"}, "back": {"/views/unassigned?sort=id&flash=bulk_updated"}})
	if status != http.StatusSeeOther || loc != "/views/unassigned?sort=id&flash=bulk_partial" {
		t.Fatalf("partial bulk edit: %d to %q", status, loc)
	}
	if got, _ := b.env.Instance.Desk.Ticket(ctx, b.admin, a.ID); got.Status != model.StatusPending {
		t.Errorf("the open ticket was not updated: %s", got.Status)
	}
	if _, loc, _ := c.post("/views/bulk", url.Values{"ids": {fmt.Sprint(a.ID)}, "status": {"open"}, "back": {"https://evil.example/"}}); loc != "/views/mine?flash=bulk_updated" {
		t.Errorf("a foreign back link led to %q", loc)
	}
}

// TestViewColumns: a view's page shows the optional columns its execution names
// and no others ("Your unsolved tickets" has no group or assignee column).
func TestViewColumns(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	b.ticket(t, "Mine", "x", "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	for path, want := range map[string]map[string]bool{
		"/views/mine": {"Requester": true, "Priority": true, "Group": false, "Assignee": false},
		"/views/open": {"Requester": true, "Priority": true, "Group": true, "Assignee": true},
	} {
		_, page := c.get(path)
		head := page[strings.Index(page, "<thead>"):strings.Index(page, "</thead>")]
		for col, shown := range want {
			if strings.Contains(head, ">"+col+"<") != shown {
				t.Errorf("%s: column %s shown = %v, want %v", path, col, !shown, shown)
			}
		}
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// viewAgent makes an agent with a web password.
func viewAgent(t *testing.T, b *bundle, name, email string) model.User {
	t.Helper()
	ctx := context.Background()
	d := b.env.Instance.Desk
	id, _ := b.env.CreateAgent(t, name, email)
	if err := d.SetPassword(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	u, err := d.User(ctx, b.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowserViewEditor, at 1280 and 390 px: an agent creates a personal view
// with conditions, columns and a sort; the sidebar lists it with its count;
// a bad condition is shown on its row and nothing is stored; the agent
// deactivates, reorders and deletes it. Another agent never sees it.
func TestBrowserViewEditor(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			ada := viewAgent(t, b, "Ada Agent", "ada@example.com")
			bob := viewAgent(t, b, "Bob Agent", "bob@example.com")
			urgent := b.ticket(t, "Server room flooding", "water everywhere", "ann@example.com", false)
			p := "urgent"
			if _, err := d.UpdateTicket(ctx, b.admin, urgent.ID, desk.TicketInput{Priority: &p}); err != nil {
				t.Fatal(err)
			}
			b.ticket(t, "Mouse squeaks", "a little", "ann@example.com", false)

			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", "ada@example.com")
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")
			br.clickAndLoad("#edit-views")
			br.clickAndLoad("#new-view")
			if eval[bool](br, `document.getElementById("share") !== null`) {
				t.Error("an agent is offered to share a view")
			}
			br.fill("title", "Urgent ones")
			br.fill("all_field_1", "priority")
			br.fill("all_op_1", "is")
			br.fill("all_value_1", "urgent")
			eval[bool](br, `(document.getElementById("col_group").click(), true)`)
			br.do(chromedp.SetValue(chromedp.ID("sort_by"), "created"))
			br.checkPage(fmt.Sprintf("view form at %d px", width))
			br.clickAndLoad("#save-view")
			mine, err := d.TicketViews(ctx, ada, "personal", false)
			if err != nil || len(mine) != 1 || mine[0].Title != "Urgent ones" || len(mine[0].Conditions.All) != 2 ||
				mine[0].Execution.SortBy != "created" || strings.Contains(strings.Join(mine[0].Execution.Columns, " "), "group") {
				t.Fatalf("saved views %+v (%v)", mine, err)
			}
			id := mine[0].ID
			if got := br.text(`nav.views a[aria-current="page"]`); !strings.Contains(got, "Urgent ones") || br.text(`nav.views a[aria-current="page"] .count`) != "1" {
				t.Fatalf("the sidebar shows the new view as %q, want it with count 1", got)
			}
			if got := br.text("section.list tbody"); !strings.Contains(got, "Server room flooding") || strings.Contains(got, "Mouse squeaks") {
				t.Fatalf("the view lists %q", got)
			}
			if others, _ := d.TicketViews(ctx, bob, "", false); containsView(others, id) {
				t.Error("another agent sees Ada's personal view")
			}

			// A bad condition is shown on its row; nothing is stored.
			br.open(fmt.Sprintf("/views/edit/%d", id))
			br.fill("title", "Renamed")
			br.fill("all_value_1", "hot")
			br.clickAndLoad("#save-view")
			if msg := br.text(".rule-row.invalid"); !strings.Contains(msg, "hot") {
				t.Fatalf("a bad priority: the row says %q", msg)
			}
			if v, _ := d.TicketView(ctx, ada, id); v.Title != "Urgent ones" {
				t.Fatalf("a refused save changed the title to %q", v.Title)
			}
			br.screenshot(fmt.Sprintf("view-editor-%d", width))

			// Make a second view, move the first below it, deactivate and delete it.
			if _, err := d.SaveTicketView(ctx, ada, model.View{Title: "Second", Active: true,
				Conditions: model.Conditions{All: []model.Condition{{Field: "status", Operator: "is", Value: "open"}}}}); err != nil {
				t.Fatal(err)
			}
			br.open("/views/edit")
			br.checkPage(fmt.Sprintf("view list at %d px", width))
			br.clickAndLoad(fmt.Sprintf(`form[action="/views/edit/%d/move"] button[value=down]`, id))
			if mine, _ := d.TicketViews(ctx, ada, "personal", false); len(mine) != 2 || mine[1].ID != id {
				t.Fatalf("after moving down the order is %+v", mine)
			}
			br.clickAndLoad(fmt.Sprintf(`form[action="/views/edit/%d/active"] button`, id))
			if v, _ := d.TicketView(ctx, ada, id); v.Active {
				t.Fatal("deactivate left the view active")
			}
			br.open("/views/mine")
			if strings.Contains(br.text("nav.views"), "Urgent ones") {
				t.Error("the sidebar lists an inactive view")
			}
			br.open("/views/edit")
			br.clickAndLoad(fmt.Sprintf(`form[action="/views/edit/%d/delete"] button`, id))
			if _, err := d.TicketView(ctx, ada, id); err == nil {
				t.Fatal("the view survived its delete")
			}
		})
	}
}

func containsView(vs []model.View, id int64) bool {
	for _, v := range vs {
		if v.ID == id {
			return true
		}
	}
	return false
}

// TestViewEditorForgedPosts: an agent posting the view form directly can't
// change a shared view (403) nor another agent's personal view (404), can't
// make their own view shared (403), and nothing changes.
func TestViewEditorForgedPosts(t *testing.T) {
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	ada := viewAgent(t, b, "Ada Agent", "ada@example.com")
	bob := viewAgent(t, b, "Bob Agent", "bob@example.com")
	shared, err := d.TicketViews(ctx, b.admin, "shared", false)
	if err != nil || len(shared) == 0 {
		t.Fatalf("no shared view to attack: %v", err)
	}
	cond := model.Conditions{All: []model.Condition{{Field: "status", Operator: "is", Value: "open"}}}
	bobs, err := d.SaveTicketView(ctx, bob, model.View{Title: "Bob's", Active: true, Conditions: cond})
	if err != nil {
		t.Fatal(err)
	}
	adas, err := d.SaveTicketView(ctx, ada, model.View{Title: "Ada's", Active: true, Conditions: cond})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login("ada@example.com")
	form := func(share string) url.Values {
		return url.Values{"title": {"Hijacked"}, "active": {"true"}, "share": {share},
			"all_field": {"status"}, "all_op": {"is"}, "all_value": {"new"}}
	}
	for _, tc := range []struct {
		path string
		want int
	}{
		{fmt.Sprintf("/views/edit/%d", shared[0].ID), http.StatusForbidden},
		{fmt.Sprintf("/views/edit/%d/delete", shared[0].ID), http.StatusForbidden},
		{fmt.Sprintf("/views/edit/%d/active", shared[0].ID), http.StatusForbidden},
		{fmt.Sprintf("/views/edit/%d/move", shared[0].ID), http.StatusForbidden},
		{fmt.Sprintf("/views/edit/%d", bobs.ID), http.StatusNotFound},
		{fmt.Sprintf("/views/edit/%d/delete", bobs.ID), http.StatusNotFound},
	} {
		if status, _, _ := c.post(tc.path, form("me")); status != tc.want {
			t.Errorf("POST %s: status %d, want %d", tc.path, status, tc.want)
		}
	}
	if status, _ := c.get(fmt.Sprintf("/views/edit/%d", shared[0].ID)); status != http.StatusForbidden {
		t.Errorf("the edit form of a shared view: status %d, want 403", status)
	}
	for _, share := range []string{"all", fmt.Sprint(b.groupID)} {
		if status, _, _ := c.post(fmt.Sprintf("/views/edit/%d", adas.ID), form(share)); status != http.StatusForbidden {
			t.Errorf("sharing her own view with %q: status %d, want 403", share, status)
		}
	}
	if v, _ := d.TicketView(ctx, b.admin, shared[0].ID); v.Title != shared[0].Title || !v.Active {
		t.Errorf("the shared view changed: %+v", v)
	}
	if v, _ := d.TicketView(ctx, bob, bobs.ID); v.Title != "Bob's" {
		t.Errorf("Bob's view changed: %+v", v)
	}
	if v, _ := d.TicketView(ctx, ada, adas.ID); v.Title != "Ada's" || !v.Restriction.Personal() {
		t.Errorf("Ada's view changed: %+v", v)
	}
}

// TestViewEditorAdminShares: an admin's form makes a view for a group; an
// agent outside the group doesn't see it, one inside does.
func TestViewEditorAdminShares(t *testing.T) {
	b := setup(t, apitest.SQLite)
	ctx := context.Background()
	d := b.env.Instance.Desk
	ada := viewAgent(t, b, "Ada Agent", "ada@example.com")
	c := b.client(t)
	c.login(apitest.AdminEmail)
	status, loc, body := c.post("/views/edit", url.Values{"title": {"Support queue"}, "active": {"true"},
		"share": {fmt.Sprint(b.groupID)}, "all_field": {"status"}, "all_op": {"less_than"}, "all_value": {"solved"},
		"sort_by": {"priority"}, "sort_order": {"desc"}, "group_by": {"assignee"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/views/") {
		t.Fatalf("save: status %d location %q\n%s", status, loc, body)
	}
	all, err := d.TicketViews(ctx, b.admin, "shared", false)
	if err != nil {
		t.Fatal(err)
	}
	var v model.View
	for _, o := range all {
		if o.Title == "Support queue" {
			v = o
		}
	}
	if v.Restriction == nil || v.Restriction.Type != model.RestrictGroup || v.Restriction.IDs[0] != b.groupID ||
		v.Execution.GroupBy != "assignee" || v.Execution.SortBy != "priority" {
		t.Fatalf("stored view %+v", v)
	}
	if _, err := d.TicketView(ctx, ada, v.ID); err == nil {
		t.Fatal("an agent outside the group sees the group's view")
	}
	if _, err := d.AddMembership(ctx, b.admin, model.GroupMembership{UserID: ada.ID, GroupID: b.groupID}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TicketView(ctx, ada, v.ID); err != nil {
		t.Fatalf("an agent in the group doesn't see its view: %v", err)
	}
}

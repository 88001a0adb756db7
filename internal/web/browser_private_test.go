package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// privateCanary is in the Payroll ticket only.
const privateCanary = "Zqpayslip7"

// privateDesk arranges a secure desk: Payroll is private with paula in it,
// hana is in HR only; it returns the Payroll ticket and the HR one.
func privateDesk(t *testing.T, b *bundle) (pay, hr model.Ticket) {
	t.Helper()
	ctx := context.Background()
	d := b.env.Instance.Desk
	group := func(name string, public bool) int64 {
		g, err := d.SaveGroup(ctx, b.admin, 0, desk.GroupInput{Name: &name, Public: &public})
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	hrGroup, payroll := group("HR", true), group("Payroll", false)
	for _, a := range []struct {
		name, email string
		group       int64
	}{{"Hana HR", "hana@example.com", hrGroup}, {"Paula Payroll", "paula@example.com", payroll}} {
		id, _ := b.env.CreateAgent(t, a.name, a.email)
		if _, err := d.AddMembership(ctx, b.admin, model.GroupMembership{UserID: id, GroupID: a.group}); err != nil {
			t.Fatal(err)
		}
		if err := d.SetPassword(ctx, a.email, password); err != nil {
			t.Fatal(err)
		}
	}
	ticket := func(subject string, group int64) model.Ticket {
		in := desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: subject + " body"},
			Requester: &desk.RequesterInput{Email: "erin@example.com"}, GroupID: &group}
		res, err := d.CreateTicket(ctx, b.admin, in, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Ticket
	}
	return ticket("Salary correction "+privateCanary, payroll), ticket("Question about leave pay", hrGroup)
}

func browserLogin(t *testing.T, b *bundle, email string) *browser {
	t.Helper()
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	br.fill("email", email)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	return br
}

// TestBrowserPrivateGroup: an HR agent outside the private Payroll group meets
// no Payroll ticket in the UI, at desktop and phone width: the ticket page is
// the not-found page, and the views with their counts, search (words and
// number) and the requester's tickets leave it out. Payroll's member sees it;
// the admin's groups page says which groups are private.
func TestBrowserPrivateGroup(t *testing.T) {
	b := setup(t, apitest.SQLite)
	pay, hr := privateDesk(t, b)
	hana := browserLogin(t, b, "hana@example.com")
	paula := browserLogin(t, b, "paula@example.com")
	for _, w := range []int64{1280, 390} {
		hana.viewport(w, 900)
		paula.viewport(w, 900)
		hana.open(fmt.Sprintf("/tickets/%d", pay.ID))
		if body := hana.bodyText(); strings.Contains(body, privateCanary) || !strings.Contains(body, "nothing here") {
			t.Fatalf("%d px: hana opened the Payroll ticket:\n%s", w, body)
		}
		hana.checkPage(fmt.Sprintf("private-404-%d", w))
		hana.open("/views/unassigned")
		views := eval[[]string](hana, `Array.from(document.querySelectorAll("a[href^='/views/']")).map(a => a.getAttribute("href"))`)
		if len(views) == 0 {
			t.Fatalf("%d px: no views in the sidebar", w)
		}
		for _, path := range append(views, "/search?q="+strings.ToLower(privateCanary), "/search?q=salary",
			fmt.Sprintf("/search?q=%d", pay.ID), fmt.Sprintf("/users/%d/tickets", pay.RequesterID)) {
			hana.open(path)
			if body := hana.bodyText(); strings.Contains(body, privateCanary) {
				t.Fatalf("%d px: %s shows the Payroll ticket to hana:\n%s", w, path, body)
			}
			hana.checkPage("private-" + path)
		}
		hana.open(fmt.Sprintf("/users/%d/tickets", pay.RequesterID))
		if body := hana.bodyText(); !strings.Contains(body, hr.Subject) {
			t.Fatalf("%d px: hana's list of the requester's tickets lacks the HR one:\n%s", w, body)
		}
		// The counts beside the views are hana's: Unassigned tickets has one fewer
		// for her than for paula (both tickets are unassigned).
		count := func(br *browser) int {
			br.open("/views/unassigned")
			return eval[int](br, `(() => { const a = document.querySelector("a[href='/views/2'] .count"); return a ? parseInt(a.textContent) : -1 })()`)
		}
		if h, p := count(hana), count(paula); h < 0 || h != p-1 {
			t.Fatalf("%d px: Unassigned tickets counts %d for hana and %d for paula; want one fewer for hana", w, h, p)
		}
		paula.open(fmt.Sprintf("/tickets/%d", pay.ID))
		if body := paula.bodyText(); !strings.Contains(body, privateCanary) {
			t.Fatalf("%d px: paula, in Payroll, can't see its ticket:\n%s", w, body)
		}
		paula.checkPage(fmt.Sprintf("private-member-%d", w))
	}

	admin := browserLogin(t, b, apitest.AdminEmail)
	admin.viewport(390, 900)
	admin.open("/admin/groups")
	if n := eval[int](admin, `document.querySelectorAll("[data-private]").length`); n != 1 {
		t.Fatalf("the groups page marks %d groups private, want Payroll only", n)
	}
	admin.clickAndLoad(fmt.Sprintf("[data-make-private='%d']", hr.GroupID))
	if n := eval[int](admin, `document.querySelectorAll("[data-private]").length`); n != 2 {
		t.Fatalf("after Make private on HR the page marks %d groups private, want 2", n)
	}
	admin.checkPage("private-groups-admin")
	hana.open(fmt.Sprintf("/tickets/%d", hr.ID))
	if body := hana.bodyText(); !strings.Contains(body, hr.Subject) {
		t.Fatalf("hana, in HR, lost her own group's ticket when HR went private:\n%s", body)
	}
}

package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// Payloads that must show as text wherever a subject, comment or name is shown.
const (
	xssSubject = `<script>window.__pwned=1</script> "><img src=x onerror="window.__pwned=2"> {{ticket.id}}`
	xssBody    = "Hello </textarea><script>window.__pwned=3</script>\n\"><img src=x onerror=\"window.__pwned=4\"> {{ticket.requester.email}}"
	xssName    = `"><img src=x onerror="window.__pwned=5">`
)

// flowData is what the browser flow works on.
type flowData struct {
	adaID, stubID, xssID, xssRequester int64
}

// arrange creates an agent, the stub form's fields, a stub and a ticket full of
// markup, directly through the use cases.
func arrange(t *testing.T, b *bundle) flowData {
	ctx := context.Background()
	d := b.env.Instance.Desk
	var fd flowData
	fd.adaID, _ = b.env.CreateAgent(t, "Ada Agent", "ada@example.com")
	if _, err := d.AddMembership(ctx, b.admin, model.GroupMembership{UserID: fd.adaID, GroupID: b.groupID}); err != nil {
		t.Fatal(err)
	}
	field := func(title, typ string, opts ...model.FieldOption) int64 {
		in := desk.FieldInput{Title: &title, Type: &typ}
		if opts != nil {
			in.Options = &opts
		}
		f, err := d.SaveField(ctx, b.admin, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	assignee, secStatus := field("Secure assignee", "text"), field("Secure status", "text")
	group := field("Secure team", "tagger", model.FieldOption{Name: "Payroll team", Value: "secure_team_7"})
	category := field("Secure category", "tagger", model.FieldOption{Name: "Payroll", Value: "cat_payroll"})
	stub := b.stub(t, "9001", "emp@example.com",
		model.FieldValue{ID: assignee, Value: "pat@secure.example"}, model.FieldValue{ID: group, Value: "secure_team_7"}, model.FieldValue{ID: category, Value: "cat_payroll"}, model.FieldValue{ID: secStatus, Value: "pending"})
	fd.stubID = stub.ID
	xss := b.ticketAs(t, xssSubject, xssBody, "xss@example.com", xssName)
	fd.xssID, fd.xssRequester = xss.ID, xss.RequesterID
	return fd
}

// TestBrowser drives the agent UI in headless Chromium: login, create, reply,
// note, properties, search, stub, report, CSRF, escaping; with screenshots.
func TestBrowser(t *testing.T) {
	b := setup(t, apitest.SQLite)
	fd := arrange(t, b)
	br := newBrowser(t, b.env.URL)

	br.open("/login")
	br.checkPage("login")
	br.screenshot("login")
	br.fill("email", apitest.AdminEmail)
	br.fill("password", "not the password")
	br.clickAndLoad("form[action='/login'] button")
	if !strings.Contains(br.bodyText(), "Wrong email or password") || !strings.HasPrefix(br.location(), "/login") {
		t.Fatalf("wrong password: at %s, page says %q", br.location(), br.bodyText())
	}
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	if loc := br.location(); loc != "/views/mine" {
		t.Fatalf("after login at %s, want /views/mine", loc)
	}

	id := browserCreateTicket(t, br)
	browserReplyAndNote(t, br, b, id)
	browserProperties(t, br, b, fd, id)
	browserSearch(t, br, id)
	browserStubAndReport(t, br, fd)
	browserCSRF(t, br, b, id)
	browserEscaping(t, br, fd)
	browserPages(t, br)
}

func browserCreateTicket(t *testing.T, br *browser) int64 {
	br.open("/tickets/new")
	br.checkPage("new ticket")
	br.fill("requester_email", "carol@example.com")
	br.fill("requester_name", "Carol Requester")
	br.fill("subject", "Printer on fire")
	br.fill("body", "Smoke is coming out of the printer on floor 2.")
	br.do(chromedp.SetValue(chromedp.ID("priority"), "high"))
	br.screenshot("ticket-new")
	br.clickAndLoad("form[action='/tickets'] button[type=submit]")
	loc := br.location()
	rest, ok := strings.CutPrefix(loc, "/tickets/")
	if !ok {
		t.Fatalf("after create at %s: %s", loc, br.bodyText())
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(rest, "?flash=created"), 10, 64)
	if err != nil {
		t.Fatalf("after create at %s", loc)
	}
	if got := br.text("#subject"); got != "Printer on fire" {
		t.Fatalf("subject %q", got)
	}
	if got := br.text("#requester"); got != "Carol Requester" {
		t.Fatalf("requester %q", got)
	}
	return id
}

func browserReplyAndNote(t *testing.T, br *browser, b *bundle, id int64) {
	path := fmt.Sprintf("/tickets/%d", id)
	br.open(path)
	br.fill("body", "A technician is on the way.")
	br.do(chromedp.Click(chromedp.ID("vis-public")))
	br.clickAndLoad("#submit")
	if got := eval[int](br, `document.querySelectorAll(".comment.public").length`); got != 2 {
		t.Fatalf("%d public comments after the reply, want 2", got)
	}
	br.open(path)
	br.fill("body", "Technician booked for 3pm; do not tell the requester yet.")
	br.do(chromedp.Click(chromedp.ID("vis-internal")))
	if cls := eval[string](br, `document.getElementById("body").className`); cls != "internal" {
		t.Errorf("the reply box does not turn into a note (class %q)", cls)
	}
	br.clickAndLoad("#submit")
	if got := br.text(".comment.internal .body"); !strings.Contains(got, "Technician booked") {
		t.Fatalf("internal note shows %q", got)
	}
	comments, err := b.env.Instance.DB.Read().Comments(context.Background(), id, storePageAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 3 || !comments[1].Public || comments[2].Public {
		t.Fatalf("stored comments: %+v", comments)
	}
}

func browserProperties(t *testing.T, br *browser, b *bundle, fd flowData, id int64) {
	br.open(fmt.Sprintf("/tickets/%d", id))
	br.do(chromedp.SetValue(chromedp.ID("status"), "pending"),
		chromedp.SetValue(chromedp.ID("group_id"), strconv.FormatInt(b.groupID, 10)),
		chromedp.SetValue(chromedp.ID("assignee_id"), strconv.FormatInt(fd.adaID, 10)))
	br.clickAndLoad("#submit")
	if !strings.Contains(br.bodyText(), "Ticket updated.") {
		t.Fatalf("update refused: %s", br.bodyText())
	}
	tk, err := b.env.Instance.Desk.Ticket(context.Background(), b.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != model.StatusPending || tk.GroupID != b.groupID || tk.AssigneeID != fd.adaID {
		t.Fatalf("ticket after update: status %s group %d assignee %d", tk.Status, tk.GroupID, tk.AssigneeID)
	}
	if h := br.text(".history"); !strings.Contains(h, "Assignee: — → Ada Agent") || !strings.Contains(h, "Status: new → pending") {
		t.Errorf("history lacks the changes:\n%s", h)
	}
	br.checkPage("ticket")
	br.screenshot("ticket")
	br.viewport(390, 844)
	br.checkPage("ticket at 390px")
	br.screenshot("ticket-390")
	br.viewport(1280, 900)
}

func browserSearch(t *testing.T, br *browser, id int64) {
	br.open("/views/open")
	br.fill("q", "printer")
	br.clickAndLoad(".search button")
	if n := eval[int](br, fmt.Sprintf(`document.querySelectorAll('table.tickets a[href="/tickets/%d"]').length`, id)); n == 0 {
		t.Fatalf("text search did not list ticket %d: %s", id, br.bodyText())
	}
	br.checkPage("search")
	br.screenshot("search")
	br.fill("q", fmt.Sprintf("#%d", id))
	br.clickAndLoad(".search button")
	if loc := br.location(); loc != fmt.Sprintf("/tickets/%d", id) {
		t.Fatalf("id search went to %s", loc)
	}
}

func browserStubAndReport(t *testing.T, br *browser, fd flowData) {
	br.open(fmt.Sprintf("/tickets/%d", fd.stubID))
	banner := br.text("#stub-banner")
	for _, want := range []string{"Escalated to the secure instance as #9001", "pat@secure.example", "Payroll team", "Payroll", "pending"} {
		if !strings.Contains(banner, want) {
			t.Errorf("stub banner lacks %q: %s", want, banner)
		}
	}
	if n := eval[int](br, `document.querySelectorAll("#status, #vis-public, #subject-input").length`); n != 0 {
		t.Errorf("stub page offers %d editing controls", n)
	}
	br.checkPage("stub")
	br.screenshot("stub")

	br.open("/reports/escalations")
	if n := eval[int](br, `document.querySelectorAll("#escalation-chart rect.bar").length`); n == 0 {
		t.Fatalf("report has no bars: %s", br.bodyText())
	}
	if got := br.text("#report-total"); got != "1" {
		t.Errorf("report counts %s escalations, want 1", got)
	}
	br.checkPage("report")
	br.screenshot("report")
}

func browserCSRF(t *testing.T, br *browser, b *bundle, id int64) {
	br.open(fmt.Sprintf("/tickets/%d", id))
	br.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#ticket-form input[name=csrf]').remove()`))
	br.fill("body", "forged reply")
	br.clickAndLoad("#submit")
	if !strings.Contains(br.bodyText(), "security token is missing") {
		t.Fatalf("a post without CSRF token was not refused: %s", br.bodyText())
	}
	comments, _ := b.env.Instance.DB.Read().Comments(context.Background(), id, storePageAll)
	for _, c := range comments {
		if c.Body == "forged reply" {
			t.Fatal("the post without CSRF token was saved")
		}
	}
}

func browserPages(t *testing.T, br *browser) {
	br.open("/views/mine")
	br.do(chromedp.KeyEvent("\t"))
	if got := eval[string](br, `document.activeElement.className`); got != "skip" {
		t.Errorf("first Tab focuses %q, want the skip link", got)
	}
	br.checkPage("views")
	br.screenshot("views-mine")
	br.viewport(390, 844)
	br.checkPage("views at 390px")
	br.screenshot("views-mine-390")
	br.viewport(1280, 900)
	for _, p := range []string{"agents", "triggers/new"} {
		br.open("/admin/" + p)
		br.checkPage(p)
		br.screenshot("admin-" + strings.ReplaceAll(p, "/", "-"))
	}
}

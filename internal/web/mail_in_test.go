package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestMailboxesPage: an admin adds a mailbox through the form (the password is
// sealed, never shown), a refused form keeps what was typed but not the secret,
// the quarantine shows an unparsable mail's text escaped, and the ticket page
// says how each mail was filed; agents can't open the page.
func TestMailboxesPage(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	admin := b.client(t)
	admin.login(apitest.AdminEmail)

	status, _, _ := admin.post("/admin/mailboxes", url.Values{"name": {"it"}, "address": {"it@company.example"},
		"url": {"imaps://helpdesk:pw-in-url@mail.company.example/INBOX"}, "auth": {"password"}, "group_id": {"0"}})
	if status != http.StatusOK && status != http.StatusSeeOther {
		t.Fatalf("create mailbox: %d", status)
	}
	status, body := admin.get("/admin/mailboxes")
	if status != http.StatusOK || !strings.Contains(body, "imaps://helpdesk@mail.company.example/INBOX") || !strings.Contains(body, "not running") {
		t.Fatalf("mailboxes page: %d\n%s", status, body)
	}
	if strings.Contains(body, "pw-in-url") {
		t.Fatal("the page shows a mailbox password")
	}
	status, _, body = admin.post("/admin/mailboxes", url.Values{"name": {"bad"}, "url": {"http://nope"}, "auth": {"oauth2"}, "secret": {"typed-secret"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "URL: must be") || strings.Contains(body, "typed-secret") || !strings.Contains(body, "http://nope") {
		t.Fatalf("refused form: %d\n%s", status, body)
	}

	// Mail through the desk's intake: one unparsable, one a ticket.
	d := b.env.Instance.Desk
	cfg := &desk.MailConfig{}
	if _, err := d.TakeMail(t.Context(), cfg, desk.InboundMail{Raw: []byte("From: x@example.com\r\nContent-Type: multipart/mixed; boundary=\"b\r\n\r\n<script>alert(1)</script>\r\n")}); err != nil {
		t.Fatal(err)
	}
	res, err := d.TakeMail(t.Context(), cfg, desk.InboundMail{Raw: []byte("From: Jo <jo@example.com>\r\nSubject: VPN\r\nMessage-ID: <v1@example.com>\r\n\r\nIt drops.\r\n")})
	if err != nil || res.Outcome != model.MailTicket {
		t.Fatalf("intake: %v %+v", err, res)
	}
	_, body = admin.get("/admin/mailboxes")
	if !strings.Contains(body, `id="quarantine"`) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert(1)") {
		t.Fatalf("quarantine not shown, or not escaped:\n%s", body)
	}
	_, page := admin.get("/tickets/" + strconv.FormatInt(res.TicketID, 10))
	if !strings.Contains(page, `id="ticket-mail-in"`) || !strings.Contains(page, "new: no reference to a ticket of this instance") || !strings.Contains(page, "via email") {
		t.Fatalf("ticket page lacks how its mail was filed:\n%s", page)
	}

	name, email, role := "Ag Ent", "agent@example.com", "agent"
	if _, err := d.BootstrapUser(t.Context(), desk.UserInput{Name: &name, Email: &email, Role: &role}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(t.Context(), email, password); err != nil {
		t.Fatal(err)
	}
	agent := b.client(t)
	agent.login(email)
	if status, _ := agent.get("/admin/mailboxes"); status != http.StatusForbidden {
		t.Fatalf("an agent opened the mailboxes page: %d", status)
	}
}

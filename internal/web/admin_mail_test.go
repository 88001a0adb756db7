package web_test

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestOutgoingMailPage: the admin page lists what was mailed (recipient,
// subject, state, attempts) once the real SMTP sink has it; agents can't open it.
func TestOutgoingMailPage(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	b := setup(t, apitest.SQLite, apitest.WithQueue(), apitest.WithConfig(func(c *config.Serve) {
		c.MailOut = config.MailOut{SMTPURL: "smtp://" + sink.SMTPAddr + "?insecure=true", MailFrom: "IT <it@it.company.example>"}
	}))
	tk := b.ticket(t, "Monitor flackert <bald>", "hi", "mo@example.org", false)
	sink.WaitFor(1, 20*time.Second)

	admin := b.client(t)
	admin.login(apitest.AdminEmail)
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var status int
		status, body = admin.get("/admin/mail")
		if status != http.StatusOK {
			t.Fatalf("GET /admin/mail: %d", status)
		}
		if strings.Contains(body, "delivery-sent") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{"mo@example.org", html.EscapeString("[Request received] Monitor flackert <bald>"), "delivery-sent", "/tickets/" + strconv.FormatInt(tk.ID, 10)} {
		if !strings.Contains(body, want) {
			t.Fatalf("outgoing-mail page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Monitor flackert <bald>") {
		t.Fatal("the subject is not escaped")
	}
	// The ticket's page shows the mail its creation caused, with its state.
	_, page := admin.get("/tickets/" + strconv.FormatInt(tk.ID, 10))
	if !strings.Contains(page, `id="ticket-mail"`) || !strings.Contains(page, `delivery-sent">sent</span> to mo@example.org`) {
		t.Fatalf("ticket page lacks its mail:\n%s", page)
	}

	ctx := context.Background()
	name, email, role := "Ag Ent", "agent@example.com", "agent"
	if _, err := b.env.Instance.Desk.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role}); err != nil {
		t.Fatal(err)
	}
	if err := b.env.Instance.Desk.SetPassword(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	agent := b.client(t)
	agent.login(email)
	if status, _ := agent.get("/admin/mail"); status != http.StatusForbidden {
		t.Fatalf("an agent opened the outgoing-mail log: %d", status)
	}
}

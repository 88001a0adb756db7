package instance_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// These tests send notification mail from a running instance to a real SMTP
// server (Mailpit) and read what arrived over Mailpit's API.

const mailFrom = "IT Helpdesk <it@it.company.example>"

func mailDeployment(t *testing.T, sink *mailpittest.Sink, content string) *deployment {
	return mailDeploymentOn(t, sqliteBackend, sink, content)
}

func mailDeploymentOn(t *testing.T, b backend, sink *mailpittest.Sink, content string) *deployment {
	d := newDeployment(t, b)
	d.configure = func(c *config.Serve) {
		c.MailOut = config.MailOut{SMTPURL: "smtp://it:pw@" + sink.SMTPAddr + "?insecure=true", MailFrom: mailFrom, MailContent: content}
		c.JobPoll = 20 * time.Millisecond
	}
	return d
}

// outgoing is a row of the outgoing-mail log.
type outgoing struct {
	ID        string  `json:"id"`
	TicketID  int64   `json:"ticket_id"`
	Recipient string  `json:"recipient"`
	Subject   string  `json:"subject"`
	State     string  `json:"state"`
	Attempts  int     `json:"attempts"`
	Error     *string `json:"error"`
}

func (n *node) outgoingMail() []outgoing {
	n.t.Helper()
	var out struct {
		OutgoingMail []outgoing `json:"outgoing_mail"`
	}
	n.must(http.StatusOK, "GET", "/api/v2/twindesk/mail/outgoing", nil, &out)
	return out.OutgoingMail
}

// bySubject returns the received messages whose subject contains s.
func bySubject(ms []mailpittest.Summary, s string) []mailpittest.Summary {
	var out []mailpittest.Summary
	for _, m := range ms {
		if strings.Contains(m.Subject, s) {
			out = append(out, m)
		}
	}
	return out
}

func comment(t *testing.T, z *zendesk.Client, id int64, body string, public bool) {
	t.Helper()
	_, err := z.UpdateTicket(context.Background(), id, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: body, Public: &public}})
	require.NoError(t, err)
}

// TestMailReplyThreadsAndNotesStayIn: a new ticket and a public reply reach the
// requester with threading headers and the encoded non-ASCII subject; an
// internal note sends nothing and never appears in any mail.
func TestMailReplyThreadsAndNotesStayIn(t *testing.T) {
	t.Parallel()
	eachBackend(t, testMailReplyThreads)
}

func testMailReplyThreads(t *testing.T, b backend) {
	sink := mailpittest.Start(t)
	n := mailDeploymentOn(t, b, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()

	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Drucker im 2. Stock — kaputt ✓",
		Requester: &zendesk.Requester{Name: "Jürgen Weiß", Email: "juergen@example.org"},
		Comment:   &zendesk.TicketComment{Body: "Der Drucker druckt nicht."}})
	require.NoError(t, err)
	got := sink.WaitFor(1, 20*time.Second)
	require.Equal(t, "[Request received] Drucker im 2. Stock — kaputt ✓", got[0].Subject)
	require.Equal(t, "Jürgen Weiß", got[0].To[0].Name)
	require.Equal(t, "juergen@example.org", got[0].To[0].Address)

	const note = "internal-note-canary: the printer is stolen"
	comment(t, z, tk.ID, note, false)
	comment(t, z, tk.ID, "Wir haben den Toner getauscht.", true)
	got = sink.WaitFor(2, 20*time.Second)
	time.Sleep(time.Second) // a mail for the note would have arrived by now
	got = sink.Messages()
	require.Len(t, got, 2, "the internal note sent no mail")
	reply := bySubject(got, "Re: Drucker")
	require.Len(t, reply, 1)
	m := sink.Message(reply[0].ID)
	require.Contains(t, m.Text, "Wir haben den Toner getauscht.")
	for _, s := range got {
		full := sink.Message(s.ID)
		require.NotContains(t, full.Text+full.HTML, "internal-note-canary", "an internal note went out by mail")
	}
	id := fmt.Sprint(tk.ID)
	sig := `[a-z2-7]{16}`
	require.Regexp(t, `^td-`+id+`-[0-9]+-`+sig+`@it\.company\.example$`, m.MessageID)
	h := sink.Headers(reply[0].ID)
	root := regexp.MustCompile(`^<td-` + id + `-0-` + sig + `@it\.company\.example>$`)
	require.Regexp(t, root, h["In-Reply-To"][0])
	require.Contains(t, h["References"][0], h["In-Reply-To"][0])
	require.Equal(t, []string{"auto-generated"}, h["Auto-Submitted"])
	require.Regexp(t, `^it\+td-`+id+`-`+sig+`@it\.company\.example$`, m.ReplyTo[0].Address)
	require.Regexp(t, `\[td-`+id+`-`+sig+`\]`, m.Text, "the body marker")
	require.Equal(t, "it@it.company.example", m.From.Address)

	log := n.outgoingMail()
	require.Len(t, log, 2)
	var page struct {
		OutgoingMail []outgoing `json:"outgoing_mail"`
		Meta         struct {
			HasMore     bool   `json:"has_more"`
			AfterCursor string `json:"after_cursor"`
		}
	}
	n.must(http.StatusOK, "GET", "/api/v2/twindesk/mail/outgoing?page[size]=1", nil, &page)
	require.True(t, page.Meta.HasMore)
	require.Equal(t, log[0].ID, page.OutgoingMail[0].ID)
	n.must(http.StatusOK, "GET", "/api/v2/twindesk/mail/outgoing?page[size]=1&page[after]="+page.Meta.AfterCursor, nil, &page)
	require.Equal(t, log[1].ID, page.OutgoingMail[0].ID)
	require.False(t, page.Meta.HasMore)
	status, _ := n.do("GET", "/api/v2/twindesk/mail/outgoing?page[size]=0", nil, nil, nil)
	require.Equal(t, http.StatusBadRequest, status)
	for _, row := range log {
		require.Equal(t, "sent", row.State, "%+v", row)
		require.Equal(t, 1, row.Attempts)
	}

	// The log is ticket data: admins only.
	agent, err := z.CreateUser(ctx, zendesk.User{Name: "Ana Agent", Email: "ana@it.company.example", Role: "agent"})
	require.NoError(t, err)
	tok, err := n.In.Desk.CreateToken(ctx, agent.Email)
	require.NoError(t, err)
	an := *n
	an.token = tok
	an.admin.Email = agent.Email
	status, _ = an.do("GET", "/api/v2/twindesk/mail/outgoing", nil, nil, nil)
	require.Equal(t, http.StatusForbidden, status)

	// Purging the ticket deletes its mail log rows.
	require.NoError(t, z.DeleteTicket(ctx, tk.ID))
	n.must(http.StatusOK, "DELETE", "/api/v2/deleted_tickets/"+id, nil, nil)
	require.Empty(t, n.outgoingMail())
}

// TestMailNotificationUserLiquid: a trigger's notification_user mails the user
// it names, with its Liquid subject and body rendered.
func TestMailNotificationUserLiquid(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	boss, err := z.CreateUser(ctx, zendesk.User{Name: "Björn Boss", Email: "boss@it.company.example", Role: "agent"})
	require.NoError(t, err)
	_, err = z.CreateTrigger(ctx, zendesk.Trigger{Title: "Tell the boss about VIPs",
		Conditions: struct {
			All []zendesk.TriggerCondition `json:"all"`
			Any []zendesk.TriggerCondition `json:"any"`
		}{All: []zendesk.TriggerCondition{{Field: "current_tags", Operator: "includes", Value: "vip"}}},
		Actions: []zendesk.TriggerAction{{Field: "notification_user", Value: []any{fmt.Sprint(boss.ID),
			"VIP: {{ticket.title}} from {{ticket.requester.first_name}}",
			"{{current_user.name}} wrote:\n{{ticket.latest_public_comment}}\n{% if ticket.priority == 'urgent' %}URGENT{% endif %} ref {{ticket.encoded_id}}"}}}})
	require.NoError(t, err)
	_, err = z.CreateTicket(ctx, zendesk.Ticket{Subject: "Laptop", Priority: "urgent", Tags: []string{"vip"},
		Requester: &zendesk.Requester{Name: "Chloé Client", Email: "chloe@example.org"},
		Comment:   &zendesk.TicketComment{Body: "Mein Laptop startet nicht."}})
	require.NoError(t, err)
	got := sink.WaitFor(2, 20*time.Second) // the boss and the requester's "received"
	vip := bySubject(got, "VIP: Laptop from Chloé")
	require.Len(t, vip, 1, "%+v", got)
	require.Equal(t, "boss@it.company.example", vip[0].To[0].Address)
	m := sink.Message(vip[0].ID)
	require.Contains(t, strings.ReplaceAll(m.Text, "\r\n", "\n"), "Admin wrote:\nMein Laptop startet nicht.")
	require.Contains(t, m.Text, "URGENT")
	require.Regexp(t, `ref td-[0-9]+-[a-z2-7]{16}\s`, m.Text, "ticket.encoded_id is the reply marker's token")

	// A template that does not parse is refused when saved (422), not at send time.
	_, err = z.CreateTrigger(ctx, zendesk.Trigger{Title: "broken",
		Conditions: struct {
			All []zendesk.TriggerCondition `json:"all"`
			Any []zendesk.TriggerCondition `json:"any"`
		}{All: []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Create"}}},
		Actions: []zendesk.TriggerAction{{Field: "notification_user", Value: []any{"requester_id", "{% if %}", "body"}}}})
	require.Equal(t, http.StatusUnprocessableEntity, status(err), "%v", err)
}

// TestMailRelayOutage: mail queued while the relay is down is retried with
// backoff and arrives once the relay is back: not lost, not duplicated.
func TestMailRelayOutage(t *testing.T) {
	t.Parallel()
	eachBackend(t, testMailRelayOutage)
}

func testMailRelayOutage(t *testing.T, b backend) {
	sink := mailpittest.Start(t)
	n := mailDeploymentOn(t, b, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	sink.Down()
	_, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Outage",
		Requester: &zendesk.Requester{Name: "Dora", Email: "dora@example.org"},
		Comment:   &zendesk.TicketComment{Body: "hello"}})
	require.NoError(t, err)
	waitFor(t, 20*time.Second, "a failed attempt in the log", func() bool {
		log := n.outgoingMail()
		return len(log) == 1 && log[0].State == "retrying" && log[0].Attempts >= 1 && log[0].Error != nil
	})
	sink.Up()
	sink.WaitFor(1, 30*time.Second)
	waitFor(t, 10*time.Second, "the log to say sent", func() bool { return n.outgoingMail()[0].State == "sent" })
	time.Sleep(1500 * time.Millisecond) // a duplicate would show up by now
	require.Len(t, sink.Messages(), 1)
	require.GreaterOrEqual(t, n.outgoingMail()[0].Attempts, 2)
}

// TestMailContentNone: with --mail-content none a notification says only that
// there is news on request N: no subject, no comment.
func TestMailContentNone(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "none").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "salary-canary question",
		Requester: &zendesk.Requester{Name: "Eve", Email: "eve@example.org"},
		Comment:   &zendesk.TicketComment{Body: "my salary-canary is wrong"}})
	require.NoError(t, err)
	got := sink.WaitFor(1, 20*time.Second)
	m := sink.Message(got[0].ID)
	require.Equal(t, fmt.Sprintf("[#%d] Update on your request", tk.ID), m.Subject)
	require.NotContains(t, m.Text+m.HTML, "salary-canary")
	require.Contains(t, m.Text, fmt.Sprintf("#%d", tk.ID))
}

// TestMailRefusedRecipientFails: a recipient the relay refuses for good (5xx)
// fails at once, with the relay's answer in the log, and is not retried.
func TestMailRefusedRecipientFails(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t, "--smtp-allowed-recipients", `@example\.org$`)
	n := mailDeployment(t, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	_, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Refused",
		Requester: &zendesk.Requester{Name: "Gus", Email: "gus@nowhere.example"},
		Comment:   &zendesk.TicketComment{Body: "hello"}})
	require.NoError(t, err)
	waitFor(t, 20*time.Second, "the mail to fail", func() bool {
		log := n.outgoingMail()
		return len(log) == 1 && log[0].State == "failed"
	})
	time.Sleep(2500 * time.Millisecond) // a retry would have happened by now
	log := n.outgoingMail()
	require.Equal(t, 1, log[0].Attempts)
	require.Contains(t, *log[0].Error, "550")
	require.Empty(t, sink.Messages())
}

// TestMailNeverToItself: a ticket whose requester is the instance's own address
// (a mail loop in the making) sends nothing.
func TestMailNeverToItself(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	for _, addr := range []string{"IT@it.company.example", "someone@example.org"} {
		_, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "from " + addr,
			Requester: &zendesk.Requester{Name: "X", Email: addr},
			Comment:   &zendesk.TicketComment{Body: "hello"}})
		require.NoError(t, err)
	}
	got := sink.WaitFor(1, 20*time.Second)
	time.Sleep(time.Second)
	got = sink.Messages()
	require.Len(t, got, 1)
	require.Equal(t, "someone@example.org", got[0].To[0].Address)
}

package zdimport

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/smtpin"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestRepliesToOldMailThreadAfterMove (issue 21 point 8): one instance is
// imported into another, then replies to the old helpdesk's notifications
// arrive over SMTP at the new one, addressed as Zendesk's Reply-To is
// (support+id{source ticket id}@{the source's host}). The requester's and a
// CC's replies land on the imported ticket; the same address used by anyone
// else, a number the import never saw, another host, or Zendesk's encoded id
// alone (which no API gives) make new tickets and leave the imported one as it
// was.
func TestRepliesToOldMailThreadAfterMove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := apitest.New(t, apitest.SQLite)
	user := func(name, email string) int64 {
		var out struct{ User struct{ ID int64 } }
		src.Do(t, "POST", "/api/v2/users.json", map[string]any{"user": map[string]any{"name": name, "email": email}}).Decode(t, &out)
		require.NotZero(t, out.User.ID, email)
		return out.User.ID
	}
	jo, cc := user("Jo Doe", "jo@example.com"), user("Cy Cc", "cy@example.com")
	user("Eve Other", "eve@example.com")
	ticket := func(subject string, requester int64, ccs ...int64) int64 {
		var out struct{ Ticket struct{ ID int64 } }
		src.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": subject,
			"requester_id": requester, "email_cc_ids": ccs, "comment": map[string]any{"body": subject + ": help"}}}).Decode(t, &out)
		require.NotZero(t, out.Ticket.ID)
		return out.Ticket.ID
	}
	vpn := ticket("VPN broken", jo, cc)
	// A ticket made of Jo's own mail: twindesk's comments API shows its
	// Message-ID as Zendesk does (metadata.system.message_id), and the import
	// records it.
	origID := "orig-" + rand.Text() + "@mail.example.com"
	res := smtpIntake(t, src)("jo@example.com", fmt.Sprintf("From: Jo Doe <jo@example.com>\nTo: help@acme.example\n"+
		"Subject: Printer jammed\nMessage-ID: <%s>\nContent-Type: text/plain; charset=utf-8\n\nThe printer on floor 2 is jammed.\n", origID))
	require.Equal(t, model.MailTicket, res.Outcome, res.Reason)
	printer := res.TicketID
	require.Equal(t, []string{"<" + origID + ">"}, commentMessageIDs(t, src, printer))
	require.Equal(t, []string{"<nil>"}, commentMessageIDs(t, src, vpn), "a comment not made of a mail has no Message-ID")
	settle()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			dst := apitest.New(t, b)
			repliesThread(ctx, t, src, dst, vpn)
			messageIDsThread(ctx, t, src, dst, printer, origID)
		})
	}
}

// commentMessageIDs lists the metadata.system.message_id of each comment of
// ticket id in env's comments API, "<nil>" for a comment without one.
func commentMessageIDs(t *testing.T, env *apitest.Env, id int64) []string {
	t.Helper()
	var out struct {
		Comments []struct {
			Metadata struct{ System map[string]any }
		}
	}
	env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", id), nil).Decode(t, &out)
	var ids []string
	for _, c := range out.Comments {
		ids = append(ids, fmt.Sprint(c.Metadata.System["message_id"]))
	}
	return ids
}

// messageIDsThread sends replies to ticket printer of src, which src made of a
// mail with Message-ID origID, to dst after the import (repliesThread ran it):
// no plus-address, only References naming origID, as a customer's reply to an
// account on its own domain carries. The requester's reply lands on the
// imported ticket; the same references from anyone else make a new ticket.
func messageIDsThread(ctx context.Context, t *testing.T, src, dst *apitest.Env, printer int64, origID string) {
	u, err := url.Parse(src.URL)
	require.NoError(t, err)
	q := dst.Instance.DB.Read()
	m, found, err := q.ImportID(ctx, u.Host, kindTicket, printer)
	require.NoError(t, err)
	require.True(t, found)
	imported := m.TargetID
	smtpSend := smtpIntake(t, dst)
	reply := func(from, body string) desk.MailResult {
		t.Helper()
		return smtpSend(from, fmt.Sprintf("From: %s\nTo: help@acme.example\nSubject: Re: Printer jammed\nMessage-ID: <%s@example.com>\n"+
			"In-Reply-To: <notification-%s@acme.example>\nReferences: <%s> <notification-%s@acme.example>\n"+
			"Content-Type: text/plain; charset=utf-8\n\n%s\n", from, rand.Text(), rand.Text(), origID, rand.Text(), body))
	}
	comments := func() string {
		cs, err := q.Comments(ctx, imported, store.Page{Limit: 100})
		require.NoError(t, err)
		var b strings.Builder
		for _, c := range cs {
			fmt.Fprintf(&b, "%d %v %s\n", c.AuthorID, c.Public, c.Body)
		}
		return b.String()
	}

	res := reply("Jo Doe <jo@example.com>", "Still jammed after the move.")
	require.Equal(t, model.MailComment, res.Outcome, res.Reason)
	require.Equal(t, imported, res.TicketID, res.Reason)
	require.Contains(t, res.Reason, origID)
	require.Contains(t, comments(), "Still jammed after the move.")

	for _, from := range []string{"eve@example.com", "stranger@evil.example"} {
		body := "Forged by " + from
		res := reply(from, body)
		require.Equal(t, model.MailTicket, res.Outcome, "%s: %s", from, res.Reason)
		require.NotEqual(t, imported, res.TicketID)
		require.Contains(t, res.Reason, "neither its requester nor one of its CCs", from)
		require.NotContains(t, comments(), body)
	}
}

// repliesThread imports src into dst and sends the replies to ticket vpn of src.
func repliesThread(ctx context.Context, t *testing.T, src, dst *apitest.Env, vpn int64) {
	_, err := runImport(ctx, t, src, dst, nil)
	require.NoError(t, err)
	u, err := url.Parse(src.URL)
	require.NoError(t, err)
	q := dst.Instance.DB.Read()
	m, found, err := q.ImportID(ctx, u.Host, kindTicket, vpn)
	require.NoError(t, err)
	require.True(t, found)
	imported := m.TargetID

	smtpSend := smtpIntake(t, dst)
	send := func(from, to, body string) desk.MailResult {
		t.Helper()
		return smtpSend(from, fmt.Sprintf("From: %s\nTo: %s\nSubject: Re: [Acme] VPN broken\nMessage-ID: <%s@example.com>\n"+
			"Content-Type: text/plain; charset=utf-8\n\n%s\n\nOn Mon, Acme <support@acme.example> wrote:\n> ##- Please type your reply above this line -##\n",
			from, to, rand.Text(), body))
	}
	oldAddr := fmt.Sprintf("Acme Support <support+id%d@%s>", vpn, u.Hostname())
	comments := func() string {
		cs, err := q.Comments(ctx, imported, store.Page{Limit: 100})
		require.NoError(t, err)
		var b strings.Builder
		for _, c := range cs {
			fmt.Fprintf(&b, "%d %v %s\n", c.AuthorID, c.Public, c.Body)
		}
		return b.String()
	}

	res := send("Jo Doe <jo@example.com>", oldAddr, "Still broken after the move.")
	require.Equal(t, model.MailComment, res.Outcome, res.Reason)
	require.Equal(t, imported, res.TicketID, res.Reason)
	require.Contains(t, res.Reason, fmt.Sprintf("its ticket %d", vpn))
	res = send("cy@example.com", oldAddr, "Same here, from the CC.")
	require.Equal(t, model.MailComment, res.Outcome, res.Reason)
	require.Equal(t, imported, res.TicketID)
	got := comments()
	require.Contains(t, got, "Still broken after the move.")
	require.Contains(t, got, "Same here, from the CC.")
	require.NotContains(t, got, "Please type your reply", "quoted history trimmed")

	// Forged: the address is not a secret, so who sends it decides.
	for _, c := range []struct{ from, to, body, reason string }{
		{"eve@example.com", oldAddr, "Eve writes into Jo's ticket", "neither its requester nor one of its CCs"},
		{"stranger@evil.example", oldAddr, "A stranger writes into Jo's ticket", "neither its requester nor one of its CCs"},
		{"jo@example.com", fmt.Sprintf("support+id%d@%s", vpn+1000, u.Hostname()), "A number never imported", "no reference"},
		{"jo@example.com", fmt.Sprintf("support+id%d@other.zendesk.com", vpn), "Another account's address", "no reference"},
		{"jo@example.com", "support@acme.example", "Only the encoded id [1G7EOR-0Q2J]", "encoded id [1G7EOR-0Q2J]"},
	} {
		res := send(c.from, c.to, c.body)
		require.Equal(t, model.MailTicket, res.Outcome, "%s: %s", c.body, res.Reason)
		require.NotEqual(t, imported, res.TicketID)
		require.Contains(t, res.Reason, c.reason, c.body)
		require.NotContains(t, comments(), c.body)
	}
}

// smtpIntake starts env's SMTP intake, as `serve --smtp-listen` builds it, and
// answers a func that sends it one mail (LF line ends) from from and answers
// what intake did with it.
func smtpIntake(t *testing.T, env *apitest.Env) func(from, msg string) desk.MailResult {
	sg, err := threadtoken.New([]byte(rand.Text()), "desk.example")
	require.NoError(t, err)
	cfg := &desk.MailConfig{Signer: sg}
	var mu sync.Mutex
	var results []desk.MailResult
	srv, err := smtpin.Listen("127.0.0.1:0", "desk.example", 0, func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error) {
		res, err := env.Instance.Desk.TakeMail(ctx, cfg, in)
		mu.Lock()
		results = append(results, res)
		mu.Unlock()
		return res, err
	}, func(context.Context, []string) int64 { return 0 }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return func(from, msg string) desk.MailResult {
		t.Helper()
		envFrom, err := mail.ParseAddress(from)
		require.NoError(t, err)
		require.NoError(t, smtp.SendMail(srv.Addr(), nil, envFrom.Address, []string{"support@desk.example"},
			[]byte(strings.ReplaceAll(msg, "\n", "\r\n"))))
		mu.Lock()
		defer mu.Unlock()
		return results[len(results)-1]
	}
}

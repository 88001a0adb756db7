package escalation_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
)

// movedReply is a reply to a Zendesk notification: addressed to the ticket's
// Reply-To, support+id{source ticket}@acme.zendesk.com, with no reference of ours.
func movedReply(from string, sourceID int64, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: Acme <support+id%d@acme.zendesk.com>\nSubject: Re: [Acme] Payslip question\n"+
		"Message-ID: <%s@example.com>\nContent-Type: text/plain; charset=utf-8\n\n%s\n", from, sourceID, rand.Text(), body), "\n", "\r\n"))
}

// movedRefReply is a reply to a Zendesk account on its own domain: no
// plus-address, only References naming the Message-ID of the customer's first mail.
func movedRefReply(from, ref, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: Acme <help@acme.example>\nSubject: Re: Payslip question\n"+
		"Message-ID: <%s@example.com>\nReferences: <%s>\nContent-Type: text/plain; charset=utf-8\n\n%s\n", from, rand.Text(), ref, body), "\n", "\r\n"))
}

// TestMovedTicketReplyGoesToSecure (issue 21 point 8): a ticket imported from
// Zendesk into standard and escalated since. The requester answers an old
// Zendesk mail of it: the reply goes the escalation way, a public comment on
// secure, and standard keeps nothing of it. The same Zendesk address forged by
// an IT agent or an outsider is refused by secure and kept by neither, as a
// forged reply to one of standard's own mails is. The same holds for replies
// that name the ticket only by the Message-ID of the requester's first mail.
func TestMovedTicketReplyGoesToSecure(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	c0 := canary(t, "CANARY")
	out := tw.stdAdmin.must("POST", "/imports/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "Payslip question", "requester": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"},
		"comments": []map[string]any{{"value": "My salary is wrong: " + c0, "created_at": "2026-01-05T09:00:00Z",
			"twindesk_message_id": "<jo-first-4711@mail.example.com>"}},
		"created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-05T09:00:00Z",
		"twindesk_import_source": map[string]any{"system": "acme.zendesk.com", "id": 4711, "updated_at": "2026-01-05T09:00:00Z"},
	}})
	orig := ticketID(out)
	// Standard's comments API shows the imported Message-ID, so an import of
	// standard carries it on; the forward doesn't, and the stub names none.
	const firstMail = "jo-first-4711@mail.example.com"
	require.Contains(t, fmt.Sprint(tw.stdAdmin.must("GET", fmt.Sprintf("/tickets/%d/comments.json", orig), nil)), firstMail)
	tw.moveToPseudo(t, tw.stdAdmin, orig)
	e := tw.waitLinked(t, orig, c0, 15*time.Second)
	for _, at := range []struct {
		who api
		id  int64
	}{{tw.stdAdmin, e.stubID}, {tw.secAdmin, e.secureID}} {
		require.NotContains(t, fmt.Sprint(at.who.must("GET", fmt.Sprintf("/tickets/%d/comments.json", at.id), nil)), firstMail)
	}

	sg, err := threadtoken.New(bytes.Repeat([]byte{5}, 32), "company.example")
	require.NoError(t, err)
	cfg := &desk.MailConfig{Signer: sg, Secure: tw.std.Instance.Desk.SecureMailer()}
	ctx := t.Context()
	c1 := canary(t, "MOVEDREPLY")
	res, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: movedReply("Jo Doe <jo.doe@example.com>", 4711, "My bank details are "+c1)})
	require.NoError(t, err)
	require.Equal(t, model.MailForwarded, res.Outcome, res.Reason)
	require.Contains(t, comments(tw.secAdmin, e.secureID), c1, "the reply is on the secure ticket")

	c2 := canary(t, "FORGED")
	for _, from := range []string{"it.agent@standard.example", "outsider@evil.example"} {
		res, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: movedReply(from, 4711, "Please change the IBAN to "+c2)})
		require.NoError(t, err)
		require.Equal(t, model.MailRefused, res.Outcome, "%s: %s", from, res.Reason)
	}
	require.NotContains(t, comments(tw.secAdmin, e.secureID), c2)

	c3 := canary(t, "REFREPLY")
	res, err = tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: movedRefReply("jo.doe@example.com", "jo-first-4711@mail.example.com", "Account "+c3)})
	require.NoError(t, err)
	require.Equal(t, model.MailForwarded, res.Outcome, res.Reason)
	require.Contains(t, comments(tw.secAdmin, e.secureID), c3, "the reply is on the secure ticket")
	c4 := canary(t, "REFFORGED")
	for _, from := range []string{"it.agent@standard.example", "outsider@evil.example"} {
		res, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: movedRefReply(from, "jo-first-4711@mail.example.com", "New IBAN "+c4)})
		require.NoError(t, err)
		require.Equal(t, model.MailRefused, res.Outcome, "%s: %s", from, res.Reason)
	}
	require.NotContains(t, comments(tw.secAdmin, e.secureID), c4)
	for _, c := range []string{c1, c2, c3, c4} {
		found := tw.stdAdmin.must("GET", "/search.json?query="+c, nil)
		require.EqualValues(t, 0, found["count"], "search for %s", c)
	}
	tw.stopStandardAndScan(t, c0, c1, c2, c3, c4)
}

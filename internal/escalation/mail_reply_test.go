package escalation_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
)

func replyMail(from, inReplyTo, body string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: it@company.example\nSubject: Re: Payslip question\nMessage-ID: <%s@example.com>\nIn-Reply-To: %s\nContent-Type: text/plain; charset=utf-8\n\n%s\n\nOn Mon, IT Helpdesk <it@company.example> wrote:\n> We are looking into it.\n",
		from, rand.Text(), inReplyTo, body), "\n", "\r\n"))
}

// replyMailWithFiles is a reply with files, base64 in 76-character lines.
func replyMailWithFiles(from, inReplyTo, body string, files map[string][]byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\nTo: it@company.example\nSubject: Re: Payslip question\nMessage-ID: <%s@example.com>\nIn-Reply-To: %s\n"+
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b1\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n%s\n", from, rand.Text(), inReplyTo, body)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		enc := base64.StdEncoding.EncodeToString(files[name])
		fmt.Fprintf(&b, "--b1\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=%q\nContent-Transfer-Encoding: base64\n\n", name)
		for ; len(enc) > 76; enc = enc[76:] {
			b.WriteString(enc[:76] + "\n")
		}
		b.WriteString(enc + "\n")
	}
	b.WriteString("--b1--\n")
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}

// TestMailReplyToEscalatedTicket (issue 17 point 6): the requester answers an old
// standard mail of a ticket escalated since. Standard hands the text to secure,
// where it is a public comment from the requester, and keeps nothing of it: no
// ticket, comment or search entry, and 0 canary bytes in its data directory. A
// reply forged in the requester's thread from another address (an IT agent who
// saw the old mail, an outsider) is refused by secure and kept by neither. The
// peer route is closed to anyone but the peer identity.
func TestMailReplyToEscalatedTicket(t *testing.T) {
	t.Parallel()
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	c0 := canary(t, "CANARY")
	e := tw.escalate(t, it, c0)

	// Standard's intake, as `serve` builds it, with the signer its old mail was sent with.
	sg, err := threadtoken.New(bytes.Repeat([]byte{5}, 32), "company.example")
	require.NoError(t, err)
	cfg := &desk.MailConfig{Signer: sg, Secure: tw.std.Instance.Desk.SecureMailer()}
	oldMail := sg.MessageID(e.originalID, 1)
	ctx := t.Context()

	c1 := canary(t, "MAILREPLY")
	reply := replyMail("Jo Doe <jo.doe@example.com>", oldMail, "My bank details are "+c1)
	res, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: reply})
	require.NoError(t, err)
	require.Equal(t, model.MailForwarded, res.Outcome, res.Reason)
	secComments := comments(tw.secAdmin, e.secureID)
	require.Contains(t, secComments, c1, "the reply is on the secure ticket")
	require.NotContains(t, secComments, "We are looking into it", "quoted history trimmed")
	sec := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d/comments.json", e.secureID), nil)["comments"].([]any)
	last := sec[len(sec)-1].(map[string]any)
	secTicket := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", e.secureID), nil)["ticket"].(map[string]any)
	require.Equal(t, true, last["public"])
	require.Equal(t, secTicket["requester_id"], last["author_id"], "a comment from the requester")
	require.Equal(t, "email", last["via"].(map[string]any)["channel"])

	// A reply with files: the file within the limits reaches the secure comment
	// byte for byte, streamed through standard without being stored there; the
	// one past --max-mail-files is named in an internal note on secure.
	c3 := canary(t, "MAILFILE")
	scan := []byte("%PDF-1.4 sick note " + c3 + "\n")
	withFiles := &desk.MailConfig{Signer: sg, Secure: cfg.Secure, MaxFiles: 1}
	res, err = tw.std.Instance.Desk.TakeMail(ctx, withFiles, desk.InboundMail{Raw: replyMailWithFiles("jo.doe@example.com", oldMail,
		"Here is the sick note.", map[string][]byte{"krankmeldung.pdf": scan, "zweite-seite.pdf": []byte("page two " + c3)})})
	require.NoError(t, err)
	require.Equal(t, model.MailForwarded, res.Outcome, res.Reason)
	require.NotContains(t, res.Reason, "krankmeldung", "standard's record names no file")
	sec = tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d/comments.json", e.secureID), nil)["comments"].([]any)
	withFile, note := sec[len(sec)-2].(map[string]any), sec[len(sec)-1].(map[string]any)
	files := withFile["attachments"].([]any)
	require.Len(t, files, 1)
	f := files[0].(map[string]any)
	require.Equal(t, "krankmeldung.pdf", f["file_name"])
	code, body := download(t, tw.secAdmin, f["content_url"].(string))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, sha(scan), sha(body), "the mail's file on secure, byte for byte")
	require.Equal(t, false, note["public"])
	require.Contains(t, note["body"], "zweite-seite.pdf", "the dropped file is named for secure's agents")

	// The same mail offered again (a restart, a second mailbox) is not handed over twice.
	again, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: reply})
	require.NoError(t, err)
	require.True(t, again.Duplicate, "recorded once, by content hash")

	// Forged replies in the requester's thread: secure refuses, standard keeps nothing.
	c2 := canary(t, "FORGED")
	for _, from := range []string{"it.agent@standard.example", "outsider@evil.example"} {
		res, err := tw.std.Instance.Desk.TakeMail(ctx, cfg, desk.InboundMail{Raw: replyMail(from, oldMail, "Please change the IBAN to "+c2)})
		require.NoError(t, err)
		require.Equal(t, model.MailRefused, res.Outcome, from)
	}
	require.NotContains(t, comments(tw.secAdmin, e.secureID), c2)

	// The peer route: an admin or agent of either side is not the peer.
	code, _ = tw.secAdmin.call("POST", "/twindesk/peer/mail_replies.json", map[string]any{"reply": map[string]any{
		"standard_ticket_id": e.originalID, "from": "jo.doe@example.com", "body": "forged " + c2}})
	require.Equal(t, http.StatusForbidden, code)
	code, _ = tw.stdAdmin.call("POST", "/twindesk/peer/mail_replies.json", map[string]any{"reply": map[string]any{
		"standard_ticket_id": e.originalID, "from": "jo.doe@example.com", "body": "forged " + c2}})
	require.Equal(t, http.StatusForbidden, code, "standard has no such route for anyone")

	// Nothing of either mail on standard: not in its API...
	for _, c := range []string{c1, c2, c3} {
		found := tw.stdAdmin.must("GET", "/search.json?query="+c, nil)
		require.EqualValues(t, 0, found["count"], "search for %s", c)
	}
	require.NotContains(t, comments(tw.stdAdmin, e.stubID), c1)
	log := tw.stdAdmin.must("GET", "/twindesk/mail/messages.json", nil)
	require.NotContains(t, fmt.Sprint(log), c1)
	// ...nor anywhere in its data directory (database, WAL, blobs).
	tw.stopStandardAndScan(t, c0, c1, c2, c3)
}

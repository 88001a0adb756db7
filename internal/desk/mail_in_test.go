package desk_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func mailDesk(t *testing.T) (*desk.Service, *store.DB, *desk.MailConfig) {
	t.Helper()
	blobs, err := blob.NewDir(t.TempDir())
	require.NoError(t, err)
	d, db, _ := openDesk(t, desk.WithBlobs(blobs, 0))
	sg, err := threadtoken.New(bytes.Repeat([]byte{3}, 32), "company.example")
	require.NoError(t, err)
	return d, db, &desk.MailConfig{Signer: sg, OwnAddresses: []string{"it@company.example"}, MaxBytes: 64 << 10}
}

var mailSeq int

// rawMail builds a message; extra is header lines ("K: v\n").
func rawMail(from, subject, extra, body string) []byte {
	mailSeq++
	s := fmt.Sprintf("From: %s\nTo: it@company.example\nSubject: %s\nMessage-ID: <m%d@example.com>\n%sContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, subject, mailSeq, extra, body)
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func take(t *testing.T, d *desk.Service, cfg *desk.MailConfig, uid uint32, raw []byte) desk.MailResult {
	t.Helper()
	res, err := d.TakeMail(t.Context(), cfg, desk.InboundMail{MailboxID: 1, UIDValidity: 7, UID: uid, GroupID: 0, Raw: raw})
	require.NoError(t, err)
	return res
}

func TestMailIntakeThreadsAndScreens(t *testing.T) {
	d, db, cfg := mailDesk(t)
	ctx := t.Context()
	q := db.Read()

	// A new sender: an end user and a ticket via email, with the raw message kept.
	first := take(t, d, cfg, 1, rawMail("Jo Doe <Jo.Doe@example.com>", "VPN broken", "", "The VPN drops every hour."))
	require.Equal(t, model.MailTicket, first.Outcome, first.Reason)
	tk, err := q.Ticket(ctx, first.TicketID)
	require.NoError(t, err)
	require.Equal(t, "email", tk.Via)
	require.Equal(t, "VPN broken", tk.Subject)
	jo, err := q.UserByEmail(ctx, "jo.doe@example.com")
	require.NoError(t, err)
	require.Equal(t, jo.ID, tk.RequesterID)
	require.Equal(t, model.RoleEndUser, jo.Role)
	files, err := q.TicketAttachments(ctx, tk.ID)
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, "original-message.eml", files[0].FileName)

	// The same mail again, by UID or by content: nothing new.
	require.True(t, take(t, d, cfg, 1, rawMail("x@example.com", "other", "", "other")).Duplicate, "same UID")
	again := rawMail("a@example.com", "once", "", "only once")
	require.Equal(t, model.MailTicket, take(t, d, cfg, 2, again).Outcome)
	require.True(t, take(t, d, cfg, 3, again).Duplicate, "same content under another UID")

	// The requester answers our notification: a public comment, quoted history trimmed.
	ref := cfg.Signer.MessageID(tk.ID, 1)
	reply := take(t, d, cfg, 4, rawMail("jo.doe@example.com", "Re: VPN broken", "In-Reply-To: "+ref+"\n",
		"Still broken.\n\nOn Mon, 7 Dec 2026, IT <it@company.example> wrote:\n> Please restart"))
	require.Equal(t, model.MailComment, reply.Outcome)
	require.Equal(t, tk.ID, reply.TicketID)
	require.Contains(t, reply.Reason, "in-reply-to")
	cs, err := q.Comments(ctx, tk.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, cs, 2)
	require.Equal(t, "Still broken.", cs[1].Body)
	require.True(t, cs[1].Public)

	// Someone else answers through the plus-address: a private note, not dropped.
	plus := cfg.Signer.ReplyAddress("it@company.example", tk.ID)
	note := take(t, d, cfg, 5, []byte(strings.ReplaceAll(strings.Replace(string(rawMail("boss@example.com", "x", "", "I approve.")),
		"To: it@company.example", "To: "+plus, 1), "\n", "\n")))
	require.Equal(t, model.MailNote, note.Outcome, note.Reason)
	require.Equal(t, tk.ID, note.TicketID)

	// A body marker alone threads too; a forged one does not.
	marked := take(t, d, cfg, 6, rawMail("jo.doe@example.com", "hello", "", "More info "+cfg.Signer.Marker(tk.ID)))
	require.Equal(t, model.MailComment, marked.Outcome)
	forged := take(t, d, cfg, 7, rawMail("jo.doe@example.com", "Re: VPN broken", fmt.Sprintf("In-Reply-To: <td-%d-1-aaaaaaaaaaaaaaaa@company.example>\n", tk.ID), "forged"))
	require.Equal(t, model.MailTicket, forged.Outcome, "a reference whose signature fails, or a subject, threads nothing")

	// A forwarded mail quoting our reference is a new ticket.
	fwd := take(t, d, cfg, 8, rawMail("jo.doe@example.com", "Fwd: VPN broken", "In-Reply-To: "+ref+"\n", "see below"))
	require.Equal(t, model.MailTicket, fwd.Outcome)
	require.NotEqual(t, tk.ID, fwd.TicketID)

	// Machines: an auto-reply to a ticket is a note; one to nothing, a bounce, and
	// our own address are recorded only.
	ooo := take(t, d, cfg, 9, rawMail("jo.doe@example.com", "Out of office", "Auto-Submitted: auto-replied\nIn-Reply-To: "+ref+"\n", "away"))
	require.Equal(t, model.MailNote, ooo.Outcome)
	before := countTickets(t, db)
	require.Equal(t, model.MailAuto, take(t, d, cfg, 10, rawMail("bot@example.com", "Out of office", "Precedence: bulk\n", "away")).Outcome)
	require.Equal(t, model.MailBounce, take(t, d, cfg, 11, rawMail("MAILER-DAEMON@mx.example", "Undelivered", "", "failed")).Outcome)
	require.Equal(t, model.MailLoop, take(t, d, cfg, 12, rawMail("IT@company.example", "loop", "", "x")).Outcome)
	addr, url := "payroll@company.example", "imaps://payroll@mail.company.example/INBOX"
	_, err = d.SaveMailbox(ctx, admin(t, db), 0, desk.MailboxInput{Name: &addr, Address: &addr, URL: &url})
	require.NoError(t, err)
	require.Equal(t, model.MailLoop, take(t, d, cfg, 14, rawMail("Payroll@company.example", "Re: your request", "", "x")).Outcome, "another mailbox of this instance")
	require.Equal(t, before, countTickets(t, db))

	// A closed ticket gets a follow-up ticket.
	closed := "closed"
	_, err = d.UpdateTicket(ctx, admin(t, db), tk.ID, desk.TicketInput{Status: &closed})
	require.NoError(t, err)
	follow := take(t, d, cfg, 13, rawMail("jo.doe@example.com", "Re: VPN broken", "In-Reply-To: "+ref+"\n", "Again!"))
	require.Equal(t, model.MailTicket, follow.Outcome)
	require.Contains(t, follow.Reason, "closed")
}

func admin(t *testing.T, db *store.DB) model.User {
	t.Helper()
	u, err := db.Read().UserByEmail(t.Context(), "admin@example.com")
	require.NoError(t, err)
	return u
}

func countTickets(t *testing.T, db *store.DB) int64 {
	t.Helper()
	n, err := db.Read().CountTickets(t.Context(), store.TicketFilter{})
	require.NoError(t, err)
	return n
}

func TestMailIntakeQuarantinesAndRateLimits(t *testing.T) {
	d, db, cfg := mailDesk(t)
	q := db.Read()
	big := rawMail("big@example.com", "huge", "", strings.Repeat("x", 70<<10))
	res := take(t, d, cfg, 1, big)
	require.Equal(t, model.MailQuarantined, res.Outcome)
	require.Contains(t, res.Reason, "over the limit")
	broken := []byte("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"b\r\n\r\n--x\r\n")
	res = take(t, d, cfg, 2, broken)
	require.Equal(t, model.MailQuarantined, res.Outcome)
	list, err := q.QuarantinedMails(t.Context(), 10)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Contains(t, list[0].Fallback, "multipart/mixed")
	require.NotEmpty(t, list[0].BlobID, "an unparsable mail is kept whole for the admin")
	require.Empty(t, list[1].BlobID, "an oversized one only as its start")
	// The rest of the mailbox goes on.
	require.Equal(t, model.MailTicket, take(t, d, cfg, 3, rawMail("ok@example.com", "fine", "", "fine")).Outcome)

	// 30 mails from one sender in 10 minutes, then the rest is recorded only.
	var last desk.MailResult
	for i := range desk.MailRateLimit + 2 {
		last = take(t, d, cfg, uint32(10+i), rawMail("chatty@example.com", "Re: hi", "", fmt.Sprint("mail ", i, time.Now().UnixNano())))
	}
	require.Equal(t, model.MailRateLimited, last.Outcome)
}

// TestMailNotReimportedAfterPurge: a purged ticket's mail (and its raw message,
// kept as an attachment) is gone with it, and the same mail offered again is
// still a duplicate: the intake log outlives the ticket.
func TestMailNotReimportedAfterPurge(t *testing.T) {
	d, db, cfg := mailDesk(t)
	ctx := t.Context()
	raw := rawMail("jo@example.com", "Payslip", "", "Salary question")
	res := take(t, d, cfg, 1, raw)
	require.Equal(t, model.MailTicket, res.Outcome)
	admin, err := db.Read().UserByEmail(ctx, "admin@example.com")
	require.NoError(t, err)
	require.NoError(t, d.DeleteTicket(ctx, admin, res.TicketID))
	require.NoError(t, d.PurgeTicket(ctx, admin, res.TicketID))
	files, err := db.Read().TicketAttachments(ctx, res.TicketID)
	require.NoError(t, err)
	require.Empty(t, files, "the raw message goes with its ticket")
	again, err := d.TakeMail(ctx, cfg, desk.InboundMail{MailboxID: 1, UIDValidity: 7, UID: 99, Raw: raw})
	require.NoError(t, err)
	require.True(t, again.Duplicate, "the same mail after its ticket was purged, under another UID")
	require.Zero(t, countTickets(t, db))
}

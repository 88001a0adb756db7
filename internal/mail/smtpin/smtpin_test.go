package smtpin_test

import (
	"context"
	"io"
	"log/slog"
	"net/smtp"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/smtpin"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// TestSMTPPush: mail pushed with the standard library's SMTP client becomes a
// ticket in the recipient mailbox's group; a second delivery of the same message
// (an MTA retrying after a lost reply) is accepted and files nothing.
func TestSMTPPush(t *testing.T) {
	db, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := desk.New(db, log)
	cfg := &desk.MailConfig{}
	var routed []string
	srv, err := smtpin.Listen("127.0.0.1:0", "helpdesk.example", 0,
		func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error) {
			return d.TakeMail(ctx, cfg, in)
		},
		func(_ context.Context, rcpts []string) int64 { routed = rcpts; return 0 }, log)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	msg := strings.ReplaceAll("From: Jo <jo@example.com>\nTo: hr@company.example\nSubject: Holidays\nMessage-ID: <h1@example.com>\n\nHow many days are left?\n", "\n", "\r\n")
	for range 2 {
		if err := smtp.SendMail(srv.Addr(), nil, "jo@example.com", []string{"HR@company.example"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if len(routed) != 1 || routed[0] != "hr@company.example" {
		t.Fatalf("routed %v", routed)
	}
	n, err := db.Read().CountTickets(t.Context(), store.TicketFilter{})
	if err != nil || n != 1 {
		t.Fatalf("tickets: %d %v", n, err)
	}
	log2, err := db.Read().MailMessages(t.Context(), 0, 10)
	if err != nil || len(log2) != 1 || log2[0].Outcome != model.MailTicket || log2[0].MailboxID != 0 {
		t.Fatalf("intake log: %+v %v", log2, err)
	}
}

// TestSMTPOversized: a mail over the limit is read to its end, accepted and
// quarantined with its start kept, not bounced; a small limit too.
func TestSMTPOversized(t *testing.T) {
	db, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := desk.New(db, log)
	cfg := &desk.MailConfig{MaxBytes: 1000}
	srv, err := smtpin.Listen("127.0.0.1:0", "helpdesk.example", 1000,
		func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error) {
			return d.TakeMail(ctx, cfg, in)
		}, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	msg := "From: big@example.com\r\nSubject: Scan\r\n\r\n" + strings.Repeat("scan line\r\n", 500)
	if err := smtp.SendMail(srv.Addr(), nil, "big@example.com", []string{"it@company.example"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	q, err := db.Read().QuarantinedMails(t.Context(), 10)
	if err != nil || len(q) != 1 || q[0].Size < 5000 || !strings.Contains(q[0].Fallback, "Subject: Scan") {
		t.Fatalf("quarantine: %v %+v", err, q)
	}
}

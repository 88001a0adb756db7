package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/mail/smtpin"
)

// startMail accepts mail for the standard instance on addr (loopback), so a
// newcomer can open a ticket by mail, and prints a command that sends one with
// nothing but Python's standard library.
func startMail(ctx context.Context, std *Node, addr string, out io.Writer, log *slog.Logger) (stop func(), err error) {
	cfg := &desk.MailConfig{Secure: std.Instance.Desk.SecureMailer()}
	take := func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error) {
		return std.Instance.Desk.TakeMail(ctx, cfg, in)
	}
	srv, err := smtpin.Listen(addr, "it.demo.example", desk.DefaultMaxMailBytes, take, nil, log.With("instance", std.Name))
	if err != nil {
		return nil, fmt.Errorf("demo: mail: %w", err)
	}
	fmt.Fprintf(out, "\nMail to the standard instance (SMTP on %s) opens a ticket; try:\n", srv.Addr())
	fmt.Fprintf(out, "  python3 -c 'import smtplib; smtplib.SMTP(\"%s\").sendmail(\"jo@example.com\", [\"it@it.demo.example\"], "+
		"\"From: Jo <jo@example.com>\\r\\nTo: it@it.demo.example\\r\\nSubject: My printer is jammed\\r\\n\\r\\nIt has been jammed since Monday.\\r\\n\")'\n", srv.Addr())
	return func() { _ = srv.Close() }, nil
}

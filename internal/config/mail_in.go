package config

import (
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/twindesk/twindesk/internal/mail/imapin"
)

// MailIn is the inbound-mail part of `twindesk serve` (docs/email.md).
type MailIn struct {
	// IMAPURL is a mailbox to fetch (--imap-url), besides those added by the
	// admin API: imaps://user:pass@host:993/INBOX, or imap:// for STARTTLS.
	IMAPURL string
	// IMAPGroup is the group the --imap-url mailbox's tickets go to (0: none).
	IMAPGroup int64
	// SMTPListen accepts mail pushed over SMTP (--smtp-listen), e.g. 127.0.0.1:2525.
	SMTPListen string
	// MaxMailBytes is the largest mail filed; larger ones are quarantined.
	MaxMailBytes int64
	// MaxMailFiles is the most files one mail keeps (--max-mail-files); the
	// sender is told of the rest.
	MaxMailFiles int
	// MailPoll is how often each mailbox is checked when IDLE doesn't wake it first.
	MailPoll time.Duration
}

// MailInFlags registers the inbound-mail flags.
func MailInFlags(fs *flag.FlagSet, m *MailIn) {
	fs.StringVar(&m.IMAPURL, "imap-url", "", "IMAP mailbox to fetch mail from: imaps://user:pass@host:993/INBOX or imap://... (STARTTLS); more mailboxes, and OAuth2, through /api/v2/twindesk/mailboxes (env TWINDESK_IMAP_URL)")
	fs.Int64Var(&m.IMAPGroup, "imap-group", 0, "group id the tickets of --imap-url go to; 0 leaves them unassigned (env TWINDESK_IMAP_GROUP)")
	fs.StringVar(&m.SMTPListen, "smtp-listen", "", "accept mail pushed over SMTP on this address, e.g. 127.0.0.1:2525 (a receiver, never a relay) (env TWINDESK_SMTP_LISTEN)")
	fs.Int64Var(&m.MaxMailBytes, "max-mail-bytes", 25<<20, "largest incoming mail filed; a larger one is quarantined with its start kept (env TWINDESK_MAX_MAIL_BYTES)")
	fs.IntVar(&m.MaxMailFiles, "max-mail-files", 50, "most files (attachments and inline images) one incoming mail keeps; the rest, and files over --max-attachment-bytes, are dropped and the sender told by mail and an internal note (env TWINDESK_MAX_MAIL_FILES)")
	fs.DurationVar(&m.MailPoll, "mail-poll", 5*time.Second, "how often each mailbox is checked when IMAP IDLE doesn't report new mail first (env TWINDESK_MAIL_POLL)")
}

// Validate checks the inbound-mail flags.
func (m *MailIn) Validate() error {
	if m.IMAPURL != "" {
		if _, err := imapin.ParseURL(m.IMAPURL); err != nil {
			return fmt.Errorf("--imap-url: %w", err)
		}
	}
	if m.SMTPListen != "" {
		if _, _, err := net.SplitHostPort(m.SMTPListen); err != nil {
			return fmt.Errorf("--smtp-listen %q: %w", m.SMTPListen, err)
		}
	}
	if m.MaxMailBytes == 0 { // a Serve built in code, not from flags
		m.MaxMailBytes = 25 << 20
	}
	if m.MailPoll == 0 {
		m.MailPoll = 5 * time.Second
	}
	if m.MaxMailFiles < 0 {
		return fmt.Errorf("--max-mail-files must be 0 (the default, 50) or more, got %d", m.MaxMailFiles)
	}
	if m.MaxMailBytes < 0 {
		return fmt.Errorf("--max-mail-bytes must be positive, got %d", m.MaxMailBytes)
	}
	if m.MailPoll < 100*time.Millisecond {
		return fmt.Errorf("--mail-poll %s is too short", m.MailPoll)
	}
	return nil
}

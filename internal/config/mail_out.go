package config

import (
	"errors"
	"flag"
	"fmt"

	"github.com/emersion/go-message/mail"

	"github.com/twindesk/twindesk/internal/mail/outbound"
)

// MailOut is the outgoing-mail part of `twindesk serve`.
type MailOut struct {
	// SMTPURL is the relay (--smtp-url): smtp://user:pass@relay:587 (STARTTLS)
	// or smtps://user:pass@relay:465; "" sends no mail.
	SMTPURL string
	// MailFrom is the From of every mail (--mail-from), e.g.
	// "IT Helpdesk <it@company.example>"; its domain scopes the thread tokens.
	MailFrom string
	// MailContent is "full" or "none" (--mail-content): with none, notifications
	// carry only the request number and that there is news.
	MailContent string
	// MailFileBytes and MailFilesBytes bound the files one notification mail
	// carries, per file and in all (--mail-attachment-bytes,
	// --mail-attachments-bytes; Zendesk's 7 MB and 10 MB); larger ones go as
	// links to the signed-in download.
	MailFileBytes  int64
	MailFilesBytes int64
}

// MailOutFlags registers the outgoing-mail flags.
func MailOutFlags(fs *flag.FlagSet, m *MailOut) {
	fs.StringVar(&m.SMTPURL, "smtp-url", "", "SMTP relay for outgoing mail: smtp://user:pass@relay:587 (STARTTLS) or smtps://user:pass@relay:465; ?auth=xoauth2&token_url=..&client_id=..&scope=.. for OAuth2 (the client secret as password); see docs/email.md (env TWINDESK_SMTP_URL)")
	fs.StringVar(&m.MailFrom, "mail-from", "", `From of outgoing mail, e.g. "IT Helpdesk <it@company.example>"; required with --smtp-url (env TWINDESK_MAIL_FROM)`)
	fs.Int64Var(&m.MailFileBytes, "mail-attachment-bytes", 7<<20, "largest file a notification mail carries, in bytes; a larger one goes as a link that needs a signed-in user (env TWINDESK_MAIL_ATTACHMENT_BYTES)")
	fs.Int64Var(&m.MailFilesBytes, "mail-attachments-bytes", 10<<20, "most bytes of files one notification mail carries; the files past it go as links (env TWINDESK_MAIL_ATTACHMENTS_BYTES)")
	fs.StringVar(&m.MailContent, "mail-content", "full", "what notification mail carries: full (what the trigger renders, never internal notes) or none (only the request number and that there is news) (env TWINDESK_MAIL_CONTENT)")
}

// Validate checks the outgoing-mail flags.
func (m *MailOut) Validate() error {
	if m.MailContent == "" {
		m.MailContent = "full"
	}
	if m.MailContent != "full" && m.MailContent != "none" {
		return fmt.Errorf("--mail-content %q: use full or none", m.MailContent)
	}
	if m.MailFileBytes < 0 || m.MailFilesBytes < 0 {
		return errors.New("--mail-attachment-bytes and --mail-attachments-bytes must be 0 (the defaults, 7 MB and 10 MB) or more")
	}
	if m.SMTPURL == "" {
		return nil
	}
	if _, err := outbound.ParseRelay(m.SMTPURL); err != nil {
		return fmt.Errorf("--smtp-url: %w", err)
	}
	if m.MailFrom == "" {
		return errors.New(`--mail-from is required with --smtp-url, e.g. --mail-from "IT Helpdesk <it@company.example>"`)
	}
	if _, err := mail.ParseAddress(m.MailFrom); err != nil {
		return fmt.Errorf("--mail-from %q: %w", m.MailFrom, err)
	}
	return nil
}

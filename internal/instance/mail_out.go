package instance

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/emersion/go-message/mail"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/jobs"
	"github.com/twindesk/twindesk/internal/mail/outbound"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/secretbox"
)

// threadKeyPurpose names the key thread tokens are signed with (secretbox.Derive).
const threadKeyPurpose = "mail thread tokens"

// mailOut is the outgoing-mail set-up built from the flags; the zero value
// (no --smtp-url) sends nothing.
type mailOut struct {
	sender *outbound.Sender
	from   mail.Address
	signer *threadtoken.Signer
	cfg    config.MailOut
}

// openMailOut builds the relay client and the thread-token signer. The signer
// exists whenever --mail-from is set, so intake can thread replies to mail sent
// before a relay change.
func openMailOut(cfg config.MailOut, box *secretbox.Box) (*mailOut, error) {
	mo := &mailOut{cfg: cfg}
	if cfg.MailFrom == "" {
		return mo, nil
	}
	from, err := mail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("--mail-from: %w", err)
	}
	mo.from = *from
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	if mo.signer, err = threadtoken.New(box.Derive(threadKeyPurpose), domain); err != nil {
		return nil, fmt.Errorf("--mail-from: %w", err)
	}
	if cfg.SMTPURL == "" {
		return mo, nil
	}
	relay, err := outbound.ParseRelay(cfg.SMTPURL)
	if err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	if mo.sender, err = outbound.NewSender(relay); err != nil {
		return nil, fmt.Errorf("--smtp-url: %w", err)
	}
	return mo, nil
}

// jobs is the mail worker's configuration.
func (mo *mailOut) jobs() jobs.MailConfig {
	if mo.sender == nil {
		return jobs.MailConfig{}
	}
	return jobs.MailConfig{Sender: mo.sender, From: mo.from.Address}
}

// deskOptions turns on notification mail when a relay is configured.
func (mo *mailOut) deskOptions(q desk.MailQueue) []desk.Option {
	if mo.sender == nil {
		return nil
	}
	return []desk.Option{desk.WithOutboundMail(desk.OutboundMail{From: mo.from, Signer: mo.signer, Content: mo.cfg.MailContent, Queue: q,
		FileBytes: mo.cfg.MailFileBytes, FilesBytes: mo.cfg.MailFilesBytes})}
}

// install creates the default notification triggers the first time the
// instance starts with a relay.
func (mo *mailOut) install(ctx context.Context, d *desk.Service, log *slog.Logger) error {
	if mo.sender == nil {
		return nil
	}
	n, err := d.InstallMailTriggers(ctx)
	if err != nil {
		return fmt.Errorf("install default mail triggers: %w", err)
	}
	if n > 0 {
		log.Info("default notification triggers created", "triggers", n)
	}
	log.Info("outgoing mail on", "relay", mo.sender.Relay().Redacted(), "from", mo.from.Address, "content", mo.cfg.MailContent)
	return nil
}

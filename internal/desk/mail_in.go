package desk

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Inbound mail (issue 17): a fetched or pushed message becomes a ticket, a
// comment or a note, or is recorded and left alone. Every mail gets one row in
// the intake log (no subject, no body), which is what stops a re-import.

// Intake limits, as Zammad's: 30 mails from one sender in 10 minutes, then the
// rest of the window is recorded and dropped, which ends any auto-responder loop.
const (
	MailRateWindow = 10 * time.Minute
	MailRateLimit  = 30
	// DefaultMaxMailBytes is --max-mail-bytes' default.
	DefaultMaxMailBytes = 25 << 20
	// quarantineText is how much of a quarantined mail is kept as readable text.
	quarantineText = 64 << 10
)

// MailConfig is what intake knows of the instance's mail set-up.
type MailConfig struct {
	// Signer reads the references twindesk's own mails carry; nil finds none
	// (no outgoing mail configured), so every mail is a new ticket.
	Signer *threadtoken.Signer
	// OwnAddresses are the instance's mailboxes and From address: mail from them
	// is a loop and never filed.
	OwnAddresses []string
	// MaxBytes is the largest mail filed; larger ones are quarantined.
	MaxBytes int64
	// MaxFiles is the most files one mail keeps (0: DefaultMaxMailFiles); the
	// rest are dropped and the sender told (mail_dropped.go).
	MaxFiles int
	// Secure hands a reply to an escalated ticket to the secure instance
	// (standard only; nil elsewhere).
	Secure SecureMail
}

// InboundMail is one message as a transport took it in.
type InboundMail struct {
	MailboxID   int64 // 0 for SMTP
	UIDValidity uint32
	UID         uint32
	GroupID     int64 // the mailbox's default group
	// Raw is the message; for a mail over MaxBytes, only its start (Size tells the whole).
	Raw  []byte
	Size int64
}

// MailResult is what intake did.
type MailResult struct {
	model.MailMessage
	// Duplicate is set when the mail was taken in before: nothing was written.
	Duplicate bool
}

// ContentHash identifies a mail's content for duplicate protection: the whole
// message, or for an oversized one its start and size.
func ContentHash(raw []byte, size int64) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", size)
	h.Write(raw)
	return hex.EncodeToString(h.Sum(nil))
}

// TakeMail files one message. An error means nothing was recorded and the
// transport should offer the mail again later (a database or peer outage); a
// mail that can't be filed is quarantined and reported as such, not as an error.
func (s *Service) TakeMail(ctx context.Context, cfg *MailConfig, in InboundMail) (MailResult, error) {
	in.Size = max(in.Size, int64(len(in.Raw)))
	rec := model.MailMessage{MailboxID: in.MailboxID, UIDValidity: in.UIDValidity, UID: in.UID,
		ContentHash: ContentHash(in.Raw, in.Size), Size: in.Size, ReceivedAt: s.clock()}
	seen, err := s.db.Read().MailSeen(ctx, in.MailboxID, in.UIDValidity, in.UID, rec.ContentHash)
	if err != nil || seen {
		return MailResult{MailMessage: rec, Duplicate: seen}, err
	}
	maxBytes := cmp.Or(cfg.MaxBytes, DefaultMaxMailBytes)
	if in.Size > maxBytes {
		return s.quarantine(ctx, rec, in.Raw, fmt.Sprintf("mail of %d bytes is over the limit of %d bytes (--max-mail-bytes)", in.Size, maxBytes), false)
	}
	m, err := parse.Parse(in.Raw)
	if err != nil {
		return s.quarantine(ctx, rec, in.Raw, err.Error(), true)
	}
	rec.MessageID, rec.From = m.MessageID, m.From.Address
	if res, done, err := s.screenMail(ctx, cfg, m, rec); done || err != nil {
		return res, err
	}
	return s.fileMail(ctx, cfg, in, m, rec)
}

// screenMail records, without filing, mail that must never become a ticket or be
// answered: loops, bounces and senders over their rate.
func (s *Service) screenMail(ctx context.Context, cfg *MailConfig, m *parse.Message, rec model.MailMessage) (MailResult, bool, error) {
	own, err := s.ownAddresses(ctx, cfg)
	if err != nil {
		return MailResult{}, true, err
	}
	switch {
	case slices.ContainsFunc(own, func(a string) bool { return strings.EqualFold(a, m.From.Address) }):
		rec.Outcome, rec.Reason = model.MailLoop, "sent by one of this instance's own addresses"
	case m.Auto == parse.AutoBounce:
		rec.Outcome, rec.Reason = model.MailBounce, "delivery report"
	default:
		n, err := s.db.Read().MailsFrom(ctx, m.From.Address, rec.ReceivedAt.Add(-MailRateWindow))
		if err != nil {
			return MailResult{}, true, err
		}
		if n < MailRateLimit {
			return MailResult{}, false, nil
		}
		rec.Outcome, rec.Reason = model.MailRateLimited, fmt.Sprintf("more than %d mails from this sender in %s", MailRateLimit, MailRateWindow)
	}
	s.log.InfoContext(ctx, "mail in: recorded, not filed", "outcome", rec.Outcome, "from", rec.From, "message_id", rec.MessageID)
	res, err := s.recordOnly(ctx, rec)
	return res, true, err
}

// ownAddresses are the instance's From address and its mailboxes' addresses:
// mail from any of them is a loop (one mailbox's notification fetched by another).
func (s *Service) ownAddresses(ctx context.Context, cfg *MailConfig) ([]string, error) {
	boxes, err := s.db.Read().Mailboxes(ctx)
	if err != nil {
		return nil, err
	}
	own := slices.Clone(cfg.OwnAddresses)
	for _, b := range boxes {
		if b.Address != "" {
			own = append(own, b.Address)
		}
	}
	return own, nil
}

// recordOnly writes the intake row of a mail that is not filed.
func (s *Service) recordOnly(ctx context.Context, rec model.MailMessage) (MailResult, error) {
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.AddMailMessage(ctx, &rec) })
	if errors.Is(err, model.ErrConflict) { // the same mail, taken in concurrently
		return MailResult{MailMessage: rec, Duplicate: true}, nil
	}
	return MailResult{MailMessage: rec}, err
}

// quarantine records a mail that can't be filed, with a plain-text rendering and
// (when small enough to keep) the raw message, for an admin to read.
func (s *Service) quarantine(ctx context.Context, rec model.MailMessage, raw []byte, why string, keepRaw bool) (MailResult, error) {
	rec.Outcome, rec.Reason = model.MailQuarantined, why
	x := model.QuarantinedMail{Error: why, Fallback: parse.Fallback(raw, quarantineText)}
	if keepRaw && s.blobs != nil {
		info, err := s.blobs.Put(ctx, bytes.NewReader(raw), int64(len(raw))+1)
		if err != nil {
			return MailResult{}, fmt.Errorf("desk: quarantine mail: %w", err)
		}
		x.BlobID = info.ID
	}
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddMailMessage(ctx, &rec); err != nil {
			return err
		}
		x.MailMessage = rec
		return tx.Quarantine(ctx, x)
	})
	if err != nil && x.BlobID != "" {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), x.BlobID)
	}
	if errors.Is(err, model.ErrConflict) {
		return MailResult{MailMessage: rec, Duplicate: true}, nil
	}
	if err == nil {
		s.log.WarnContext(ctx, "mail in: quarantined", "mail_id", rec.ID, "mailbox_id", rec.MailboxID, "uid", rec.UID, "size", rec.Size, "error", why)
	}
	return MailResult{MailMessage: rec}, err
}

// originalMessageName is the file a mail's raw message is kept as.
const originalMessageName = "original-message.eml"

// isOriginalMessage reports whether a is the raw message kept with a mailed
// comment: a record, never sent on in notification mail.
func isOriginalMessage(a model.Attachment) bool {
	return a.FileName == originalMessageName && a.ContentType == "message/rfc822"
}

// storeFiles puts the mail's kept files and the raw message into the blob store,
// before the transaction that files the mail (attachMailFiles adds their rows).
// undo deletes them again when that transaction fails.
func (s *Service) storeFiles(ctx context.Context, kept []parse.Attachment, raw []byte, keepRaw bool) ([]model.Attachment, func(), error) {
	if s.blobs == nil {
		return nil, func() {}, nil
	}
	files := append([]parse.Attachment{}, kept...)
	// The raw message is kept with its ticket (and purged with it), as a file of
	// the comment it made; not when a file was dropped, which it still holds.
	if keepRaw {
		files = append(files, parse.Attachment{Name: originalMessageName, ContentType: "message/rfc822", Data: raw})
	}
	var out []model.Attachment
	undo := func() {
		for _, a := range out {
			_ = s.blobs.Delete(context.WithoutCancel(ctx), a.BlobID)
		}
	}
	token := rand.Text()
	for _, f := range files {
		name := cmp.Or(cleanFileName(f.Name), "attachment")
		info, err := s.blobs.Put(ctx, bytes.NewReader(f.Data), int64(len(f.Data))+1)
		if err != nil {
			undo()
			return nil, func() {}, fmt.Errorf("desk: mail attachment %q: %w", name, err)
		}
		out = append(out, model.Attachment{UploadToken: token, ContentToken: rand.Text(), BlobID: info.ID,
			FileName: name, ContentType: contentType(f.ContentType, name), Size: info.Size, SHA256: info.SHA256, CreatedAt: s.clock()})
	}
	return out, undo, nil
}

// attachMailFiles adds the rows of files in tx and gives them to comment c,
// written by its author.
func attachMailFiles(ctx context.Context, tx *store.Tx, files []model.Attachment, c *model.Comment, since time.Time) error {
	for i := range files {
		var err error
		files[i].UploaderID = c.AuthorID
		if files[i].ID, err = tx.AddAttachment(ctx, &files[i]); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return nil
	}
	_, err := tx.AttachUpload(ctx, files[0].UploadToken, c.AuthorID, c.TicketID, c.ID, since)
	return err
}

package desk

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// DefaultMaxMailFiles is --max-mail-files' default: the most files (attachments
// and inline images) one incoming mail keeps.
const DefaultMaxMailFiles = 50

// DroppedFile is a file of an incoming mail that was not kept, and why. It
// travels from standard to secure (RequesterReply.NotKept) as name and size;
// secure writes its own Why.
type DroppedFile struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	Why  string `json:"-"`
}

// splitMailFiles keeps a mail's files up to the count limit (cfg.MaxFiles) and
// the size limit per file (--max-attachment-bytes, as for uploads); the rest
// are dropped, and tellDropped says so.
func (s *Service) splitMailFiles(cfg *MailConfig, files []parse.Attachment) ([]parse.Attachment, []DroppedFile) {
	maxFiles := cmp.Or(cfg.MaxFiles, DefaultMaxMailFiles)
	var kept []parse.Attachment
	var dropped []DroppedFile
	for _, f := range files {
		name := cmp.Or(cleanFileName(f.Name), "attachment")
		switch {
		case int64(len(f.Data)) > s.MaxAttachmentBytes():
			dropped = append(dropped, DroppedFile{name, len(f.Data), fmt.Sprintf("larger than the limit of %s per file", mb(s.MaxAttachmentBytes()))})
		case len(kept) >= maxFiles:
			dropped = append(dropped, DroppedFile{name, len(f.Data), fmt.Sprintf("more than %d files in one mail", maxFiles)})
		default:
			kept = append(kept, f)
		}
	}
	return kept, dropped
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// droppedList names the dropped files, one per line.
func droppedList(dropped []DroppedFile) string {
	var b strings.Builder
	for _, f := range dropped {
		fmt.Fprintf(&b, "- %s (%s): %s\n", f.Name, mb(int64(f.Size)), f.Why)
	}
	return b.String()
}

// tellDropped makes a dropped file known, never silent: an internal note on the
// ticket for the agents, and a reply to the mail's sender naming the files
// (only the count where mail may not show content or namesInMail is false, and
// nothing to an automatic mail, which must never be answered). t is the ticket
// as the mail left it.
func (s *Service) tellDropped(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, author model.User, t *model.Ticket, auto bool, dropped []DroppedFile, namesInMail bool) error {
	before := t.Clone()
	note := &model.Comment{AuthorID: author.ID, Public: false, Via: "email", CreatedAt: t.UpdatedAt,
		Body: "Files of this mail were not kept:\n" + droppedList(dropped) + "The sender was told."}
	if auto || s.mailOut == nil {
		note.Body = strings.TrimSuffix(note.Body, "The sender was told.") + "The sender was not told (no outgoing mail, or an automatic mail)."
	}
	if _, err := s.commitChange(ctx, tx, snap, author, &before, t, note, "email"); err != nil {
		return err
	}
	if auto || s.mailOut == nil || author.Email == "" || isPeer(author) || s.ownAddress(author.Email) {
		return nil
	}
	if reason, err := s.mailWithheld(ctx, tx, t); err != nil || reason != "" {
		return err
	}
	text := fmt.Sprintf("We filed your mail under request #%d, but %d of its files were not kept", t.ID, len(dropped))
	if namesInMail && s.mailShowsContent(t, author) {
		text += ":\n\n" + droppedList(dropped)
	} else {
		text += " (over the size or count limit).\n"
	}
	text += "\nPlease send them another way, or in smaller mails."
	now := s.clock()
	subject := fmt.Sprintf("[#%d] Some files of your mail were not kept", t.ID)
	msg := s.buildMail(t.ID, author, subject, text, now)
	raw, err := msg.Build()
	if err != nil {
		return fmt.Errorf("desk: dropped-files mail: %w", err)
	}
	out := &model.OutgoingMail{ID: ulid.Make().String(), TicketID: t.ID, RecipientID: author.ID, Recipient: author.Email,
		Subject: subject, MessageID: msg.MessageID, Message: string(raw), State: model.MailPending, CreatedAt: now, UpdatedAt: now}
	if err := s.mailOut.Queue.EnqueueMail(ctx, tx, out); err != nil {
		return err
	}
	return tx.AddMail(ctx, out)
}

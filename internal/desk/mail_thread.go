package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// ErrMailLater asks the transport to offer a mail again later: its ticket is in
// the middle of an escalation, and where its text may be kept is not settled yet.
var ErrMailLater = errors.New("mail in: its ticket is being escalated; offer it again later")

// thread finds the ticket a mail answers, by the references twindesk's own mails
// carry: In-Reply-To, then References (newest first), then the plus-address it
// was sent to, then the body marker. Never by subject. A forwarded mail is a new
// request and threads nowhere.
func thread(cfg *MailConfig, m *parse.Message) (int64, string) {
	sg := cfg.Signer
	if sg == nil || m.Forwarded {
		return 0, ""
	}
	for _, id := range m.InReplyTo {
		if t, ok := sg.ParseMessageID(id); ok {
			return t, "in-reply-to"
		}
	}
	for _, id := range slices.Backward(m.References) {
		if t, ok := sg.ParseMessageID(id); ok {
			return t, "references"
		}
	}
	for _, a := range mailRecipients(m) {
		if t, ok := sg.ParseAddress(a.Address); ok {
			return t, "plus-address"
		}
	}
	if t, ok := sg.ParseBody(m.Full); ok {
		return t, "marker"
	}
	return 0, ""
}

// mailRecipients are the addresses a mail was sent to: To, Cc and the
// delivery headers an MTA adds, where a plus-address survives a Bcc.
func mailRecipients(m *parse.Message) []parse.Address {
	rcpts := append(append([]parse.Address{}, m.To...), m.Cc...)
	for _, k := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range m.Header.Values(k) {
			rcpts = append(rcpts, parse.Address{Address: strings.TrimSpace(v)})
		}
	}
	return rcpts
}

// escalatedTarget reports whether ticket id of this (standard) instance was
// escalated, so a reply to it belongs to the secure instance. While the
// escalation is under way and secure's ticket is not linked yet, it answers
// ErrMailLater.
func (s *Service) escalatedTarget(ctx context.Context, id int64) (bool, error) {
	if s.confidential {
		return false, nil
	}
	q := s.db.Read()
	if _, err := q.LinkByOrigin(ctx, id); err == nil {
		return true, nil
	} else if !isNotFound(err) {
		return false, err
	}
	o, err := q.Origin(ctx, id)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil || !slices.Contains(o.Tags, peer.TagEscalationInFlight) {
		return false, err
	}
	var failed bool
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error { // escalationFailed reads in a transaction
		failed, err = s.escalationFailed(ctx, tx, id)
		return err
	})
	if err != nil || failed {
		return false, err
	}
	return false, ErrMailLater
}

// fileMail turns a parsed mail into a comment, a note or a new ticket.
func (s *Service) fileMail(ctx context.Context, cfg *MailConfig, in InboundMail, m *parse.Message, rec model.MailMessage) (MailResult, error) {
	target, how := thread(cfg, m)
	if target == 0 && !m.Forwarded {
		var err error
		if target, how, err = s.threadMoved(ctx, m); err != nil {
			return MailResult{}, err
		}
	}
	if target != 0 {
		escalated, err := s.escalatedTarget(ctx, target)
		if err != nil {
			return MailResult{}, err
		}
		if escalated {
			return s.mailToSecure(ctx, cfg, m, rec, target, how)
		}
	}
	if target == 0 && m.Auto != "" {
		rec.Outcome, rec.Reason = model.MailAuto, string(m.Auto)+": threads to no ticket"
		return s.recordOnly(ctx, rec)
	}
	kept, dropped := s.splitMailFiles(cfg, m.Attachments)
	files, undo, err := s.storeFiles(ctx, kept, in.Raw, len(dropped) == 0)
	if err != nil {
		return MailResult{}, err
	}
	var res MailResult
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		res = MailResult{MailMessage: rec}
		return s.fileMailTx(ctx, tx, in, m, &res.MailMessage, inboundFiles{kept: files, dropped: dropped}, target, how)
	})
	if err != nil {
		undo()
		if errors.Is(err, model.ErrConflict) {
			return MailResult{MailMessage: rec, Duplicate: true}, nil
		}
		return MailResult{}, err
	}
	s.log.InfoContext(ctx, "mail in: filed", "outcome", res.Outcome, "reason", res.Reason, "ticket_id", res.TicketID,
		"mail_id", res.ID, "mailbox_id", res.MailboxID)
	return res, nil
}

// inboundFiles are an incoming mail's files: stored ones, and those dropped over a limit.
type inboundFiles struct {
	kept    []model.Attachment
	dropped []DroppedFile
}

func (s *Service) fileMailTx(ctx context.Context, tx *store.Tx, in InboundMail, m *parse.Message, rec *model.MailMessage, files inboundFiles, target int64, how string) error {
	author, err := s.findOrCreateRequester(ctx, tx, m.From.Address, m.From.Name)
	if err != nil {
		return err
	}
	snap, err := s.rulesFor(ctx, tx)
	if err != nil {
		return err
	}
	now := s.clock()
	body := mailBody(m)
	c := &model.Comment{AuthorID: author.ID, Body: body, Public: true, Via: "email", CreatedAt: now}
	var before *model.Ticket
	t, err := tx.Ticket(ctx, target)
	switch {
	case target == 0 && how != "":
		rec.Reason = "new: " + how // a reference threadMoved would not follow
	case target == 0:
		rec.Reason = "new: no reference to a ticket of this instance"
	case isNotFound(err):
		rec.Reason = fmt.Sprintf("new: %s names ticket %d, which no longer exists", how, target)
	case err != nil:
		return err
	case t.Status == model.StatusClosed:
		rec.Reason = fmt.Sprintf("new: %s names ticket %d, which is closed (a follow-up, as Zendesk)", how, target)
	default:
		b := t.Clone()
		before = &b
		rec.Reason = fmt.Sprintf("%s names ticket %d", how, target)
	}
	if before == nil {
		t = model.Ticket{Status: model.StatusNew, RequesterID: author.ID, SubmitterID: author.ID, Via: "email",
			Subject: mailSubject(m, body), Description: body, GroupID: in.GroupID, CreatedAt: now}
		if in.GroupID != 0 {
			if _, err := tx.Group(ctx, in.GroupID); err != nil {
				t.GroupID = 0 // the mailbox's group was deleted: the ticket goes unassigned
			}
		}
		var input TicketInput
		if err := s.applyFields(ctx, tx, snap, &input, nil, &t, &model.ValidationError{}); err != nil {
			return err
		}
		rec.Outcome = model.MailTicket
	} else {
		// The requester, its CCs and staff write public replies; anyone else, and any
		// automatic mail, a private note: kept, never sent on to the requester.
		c.Public = m.Auto == "" && (author.ID == t.RequesterID || author.Role.IsStaff() || slices.Contains(t.EmailCCIDs, author.ID))
		rec.Outcome = model.MailComment
		if !c.Public {
			rec.Outcome = model.MailNote
		}
		if author.ID == t.RequesterID && (t.Status == model.StatusPending || t.Status == model.StatusSolved) {
			t.Status = model.StatusOpen // the requester answered: back to the agents, as Zendesk
		}
	}
	if m.Auto == "" {
		if err := mailCCs(ctx, tx, m, author, &t); err != nil {
			return err
		}
	}
	t.UpdatedAt = now
	res, err := s.commitChangeWith(ctx, tx, snap, author, before, &t, c, "email", func(c *model.Comment) error {
		return attachMailFiles(ctx, tx, files.kept, c, now.Add(-UploadTTL))
	})
	if err != nil {
		return err
	}
	if len(files.dropped) > 0 {
		rec.Reason += fmt.Sprintf("; %d file(s) dropped over a limit, the sender told", len(files.dropped))
		if err := s.tellDropped(ctx, tx, snap, author, &t, m.Auto != "", files.dropped, true); err != nil {
			return err
		}
	}
	rec.TicketID, rec.CommentID = res.Ticket.ID, c.ID
	return tx.AddMailMessage(ctx, rec)
}

// mailBody is the comment text: the reply without quoted history, or a line
// saying the mail had only files.
func mailBody(m *parse.Message) string {
	if m.Text != "" {
		return m.Text
	}
	return "(This mail had no text; its files are attached.)"
}

// mailSubject is the mail's subject, or the start of its text as Zendesk does.
func mailSubject(m *parse.Message, body string) string {
	if sub := strings.TrimSpace(m.Subject); sub != "" {
		return sub
	}
	first, _, _ := strings.Cut(body, "\n")
	if r := []rune(first); len(r) > 80 {
		first = string(r[:80])
	}
	return first
}

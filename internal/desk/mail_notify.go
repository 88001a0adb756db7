package desk

import (
	"context"
	"fmt"
	"html"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/liquid"
	"github.com/twindesk/twindesk/internal/mail/outbound"
	"github.com/twindesk/twindesk/internal/mail/threadtoken"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// Mail content settings (--mail-content).
const (
	MailContentFull = "full" // notifications carry what their trigger renders
	MailContentNone = "none" // only the request number and that there is news
)

// MailQueue enqueues a mail's job inside the write transaction (jobs.Queue).
type MailQueue interface {
	EnqueueMail(ctx context.Context, tx *store.Tx, m *model.OutgoingMail) error
}

// OutboundMail is the instance's outgoing mail set-up. Without it
// notification_user actions send nothing.
type OutboundMail struct {
	From    mail.Address // --mail-from
	Signer  *threadtoken.Signer
	Content string // MailContentFull (default) or MailContentNone
	Queue   MailQueue
	// FileBytes and FilesBytes bound the files a mail carries, per file and in
	// all (0: DefaultMailFileBytes, DefaultMailFilesBytes); see mail_files.go.
	FileBytes, FilesBytes int64
}

// WithOutboundMail turns on outgoing mail.
func WithOutboundMail(m OutboundMail) Option {
	return func(s *Service) { s.mailOut = &m }
}

// mailNotification turns a notification_user firing into queued mails, one
// per recipient, in the transaction of the change that fired it.
func (s *Service) mailNotification(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, ch *model.Change, n model.Notification) error {
	if s.mailOut == nil {
		return nil
	}
	for _, id := range recipientIDs(n.TargetID, ch) {
		to, ok, err := s.mailRecipient(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok {
			if err := s.mailOne(ctx, tx, snap, ch, n, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// recipientIDs lists who a notification_user recipient names, without
// repeats. "requester_and_ccs" (Zendesk's) adds the ticket's email CCs; the
// assignee's mail also goes to the ticket's followers, the agents who asked
// to hear what the assignee hears (ccs.go).
func recipientIDs(ref string, ch *model.Change) []int64 {
	t := ch.After
	var ids []int64
	switch ref {
	case "requester_id":
		ids = []int64{t.RequesterID}
	case "requester_and_ccs":
		ids = append([]int64{t.RequesterID}, t.EmailCCIDs...)
	case "assignee_id":
		ids = append([]int64{t.AssigneeID}, t.FollowerIDs...)
	case "current_user":
		return []int64{ch.Actor.ID}
	default:
		id, _ := strconv.ParseInt(ref, 10, 64)
		ids = []int64{id}
	}
	out := ids[:0]
	for _, id := range ids {
		// Zendesk doesn't mail people what they just did; a new ticket's "request
		// received" still goes to the requester who sent it.
		if id == 0 || slices.Contains(out, id) || (ch.Before != nil && id == ch.Actor.ID) {
			continue
		}
		out = append(out, id)
	}
	return out
}

func (s *Service) mailOne(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, ch *model.Change, n model.Notification, to model.User) error {
	t := ch.After
	now := s.clock()
	m := &model.OutgoingMail{ID: ulid.Make().String(), TicketID: t.ID, TriggerID: n.TriggerID, RecipientID: to.ID,
		Recipient: to.Email, CreatedAt: now, UpdatedAt: now}
	if reason, err := s.mailWithheld(ctx, tx, t); err != nil {
		return err
	} else if reason != "" {
		// Logged without subject: the subject is the escalated ticket's.
		m.State, m.LastError = model.MailWithheld, reason
		return tx.AddMail(ctx, m)
	}
	subject, text, err := s.renderMail(ctx, tx, snap, ch, n, to)
	if err != nil {
		return err
	}
	files, err := s.mailFiles(ctx, tx, ch, n, to)
	if err != nil {
		return err
	}
	msg := s.buildMail(t.ID, to, subject, text+files.linkText(s.baseURL), now)
	msg.Attachments = files.carry(ctx, s.blobs)
	raw, err := msg.Build()
	if err != nil {
		return fmt.Errorf("desk: mail of trigger %d: %w", n.TriggerID, err)
	}
	m.Subject, m.MessageID, m.Message, m.State = subject, msg.MessageID, string(raw), model.MailPending
	if err := s.mailOut.Queue.EnqueueMail(ctx, tx, m); err != nil {
		return err
	}
	return tx.AddMail(ctx, m)
}

// mailRecipient loads the user a notification mail goes to. Nobody (ok
// false) when the user is gone, has no address, is a peer identity or
// inactive, or is the instance itself.
func (s *Service) mailRecipient(ctx context.Context, tx *store.Tx, id int64) (model.User, bool, error) {
	u, err := tx.User(ctx, id)
	if isNotFound(err) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	if u.Email == "" || isPeer(u) || !u.Active || s.ownAddress(u.Email) {
		return u, false, nil
	}
	return u, true, nil
}

// ownAddress reports whether addr is this instance's own (its From address or
// one of its signed plus-addresses): mailing it would send the instance its own
// notification, which intake would file, which would notify again.
func (s *Service) ownAddress(addr string) bool {
	if strings.EqualFold(strings.TrimSpace(addr), s.mailOut.From.Address) {
		return true
	}
	_, ok := s.mailOut.Signer.ParseAddress(addr)
	return ok
}

// mailWithheld says why no mail about t may leave this instance, or "". On the
// standard instance a ticket being escalated (or its stub) keeps its mail: the
// secure instance mails the requester from its own address.
func (s *Service) mailWithheld(ctx context.Context, tx *store.Tx, t *model.Ticket) (string, error) {
	if s.confidential {
		return "", nil
	}
	if peer.MailHold(t) {
		return peer.MailWithheld, nil
	}
	link, err := tx.LinkByOrigin(ctx, t.ID)
	if err == nil && link.TicketID != 0 {
		return peer.MailWithheld, nil
	}
	if err != nil && !isNotFound(err) {
		return "", err
	}
	return "", nil
}

// renderMail renders subject and text for one recipient. Private comments are
// never part of a mail: the data holds only public ones, whatever the
// placeholders. With --mail-content none, and on the secure instance for anyone
// but the requester and its own staff, the mail says only that there is news.
func (s *Service) renderMail(ctx context.Context, tx *store.Tx, snap *ruleSnapshot, ch *model.Change, n model.Notification, to model.User) (string, string, error) {
	t := ch.After
	if !s.mailShowsContent(t, to) {
		return fmt.Sprintf("[#%d] Update on your request", t.ID),
			fmt.Sprintf("There is news on your request #%d.\n\nThis mail carries no content of the request by design; reply to it to add a comment.", t.ID), nil
	}
	data, err := s.unstrippedTicketData(ctx, tx, snap, t)
	if err != nil {
		return "", "", err
	}
	publicOnly(data)
	data.EncodedID = strings.Trim(s.mailOut.Signer.Marker(t.ID), "[]")
	subject, err := s.render.Render(n.Subject, data, ch.Actor, false)
	if err != nil {
		return "", "", fmt.Errorf("desk: render mail subject of trigger %d: %w", n.TriggerID, err)
	}
	body, err := s.render.Render(n.Body, data, ch.Actor, false)
	if err != nil {
		return "", "", fmt.Errorf("desk: render mail body of trigger %d: %w", n.TriggerID, err)
	}
	// A subject is one line, whatever a placeholder held.
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		subject = fmt.Sprintf("[#%d] %s", t.ID, t.Subject)
	}
	return subject, body, nil
}

// mailShowsContent reports whether a mail to `to` about t may carry what its
// trigger renders (comment text, files). With --mail-content none it never
// does, and on the secure instance only for the requester and its own staff.
func (s *Service) mailShowsContent(t *model.Ticket, to model.User) bool {
	if s.mailOut.Content == MailContentNone {
		return false
	}
	return !s.confidential || to.ID == t.RequesterID || to.Role.IsStaff()
}

// publicOnly drops private comments from mail render data, and the description
// when the first comment was private (it is that comment's text).
func publicOnly(d *liquid.TicketData) {
	if len(d.Comments) > 0 && !d.Comments[0].Public {
		d.Ticket.Description = ""
	}
	kept := d.Comments[:0:0]
	for _, c := range d.Comments {
		if c.Public {
			kept = append(kept, c)
		}
	}
	d.Comments = kept
}

// buildMail wraps a rendered notification with the threading headers: every
// mail of a ticket answers the ticket's root id (<td-{id}-0-…>), so clients
// thread them together; Reply-To is the signed plus-address and the text ends
// with the signed marker, so a reply finds the ticket even when a client drops
// the headers.
func (s *Service) buildMail(ticketID int64, to model.User, subject, text string, now time.Time) *outbound.Message {
	sg := s.mailOut.Signer
	root := sg.MessageID(ticketID, 0)
	marker := sg.Marker(ticketID)
	msg := &outbound.Message{
		From:          s.mailOut.From,
		ReplyTo:       sg.ReplyAddress(s.mailOut.From.Address, ticketID),
		To:            []mail.Address{{Name: to.Name, Address: to.Email}},
		Subject:       subject,
		Text:          text + "\n\n" + marker + "\n",
		HTML:          "<div style=\"white-space:pre-wrap\">" + html.EscapeString(text) + "</div>\n<p style=\"color:#999;font-size:10px\">" + marker + "</p>\n",
		MessageID:     sg.MessageID(ticketID, 1+rand.Int64N(1<<40)),
		InReplyTo:     root,
		References:    []string{root},
		AutoGenerated: true,
		Date:          now,
	}
	return msg
}

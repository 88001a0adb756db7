package desk

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/mail/parse"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// A requester who answers an old mail of a ticket that standard has since
// escalated writes to standard's mailbox. Standard must not keep that text: it
// hands it to secure over the peer API (one narrow route, below) and records only
// that it did, with no subject and no body (docs/confidentiality.md).

// RequesterReply is a requester's mail reply to an escalated ticket, as standard
// hands it to secure.
type RequesterReply struct {
	// StandardTicketID is the escalated standard ticket the mail answered.
	StandardTicketID int64  `json:"standard_ticket_id"`
	From             string `json:"from"`
	Body             string `json:"body"`
	// Uploads are the tokens of the mail's files, which standard's peer
	// identity uploaded to secure just before; they go with the comment.
	Uploads []string `json:"uploads,omitempty"`
	// NotKept names the files standard dropped over a limit; secure notes them
	// and tells the requester how many.
	NotKept []DroppedFile `json:"not_kept,omitempty"`
	// Files are the mail's files, streamed to secure by SecureMail and never
	// stored on standard.
	Files []parse.Attachment `json:"-"`
}

// SecureMail delivers requester replies to the secure instance.
type SecureMail interface {
	RequesterReply(ctx context.Context, r RequesterReply) error
}

// maxNotKept bounds the dropped files one reply may name.
const maxNotKept = 100

// ErrPeerRefused is a peer's final no (a 4xx): retrying can't help.
var ErrPeerRefused = errors.New("the secure instance refused the reply")

// secureWebhookName is the webhook `twindesk escalation setup` creates on standard
// to reach secure; its endpoint's origin and its peer token are what a reply is
// delivered with, so no second credential has to be provisioned or rotated.
const secureWebhookName = "Escalation: create secure ticket"

// SecureMailer returns standard's SecureMail, built on the escalation webhook.
func (s *Service) SecureMailer() SecureMail {
	return &peerMailer{s: s, client: &http.Client{Timeout: 30 * time.Second}}
}

type peerMailer struct {
	s      *Service
	client *http.Client
}

func (p *peerMailer) RequesterReply(ctx context.Context, r RequesterReply) error {
	peer, err := p.endpoint(ctx)
	if err != nil {
		return err
	}
	token := ""
	for _, f := range r.Files {
		if token, err = peer.upload(ctx, f, token); err != nil {
			return err
		}
	}
	if token != "" {
		r.Uploads = []string{token}
	}
	body, _ := json.Marshal(map[string]any{"reply": r})
	res, err := peer.post(ctx, "/api/v2/twindesk/peer/mail_replies.json", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	res.Body.Close()
	return nil
}

// mailToSecure hands the reply to secure, its files streamed there first and
// never stored here, and records only that it did (with how many files). A file
// over a limit is not sent; secure names it in a note and tells the requester.
// A transient failure records nothing, so the mail is offered again.
func (s *Service) mailToSecure(ctx context.Context, cfg *MailConfig, m *parse.Message, rec model.MailMessage, target int64, how string) (MailResult, error) {
	err := ErrPeerRefused
	kept, dropped := s.splitMailFiles(cfg, m.Attachments)
	if cfg.Secure != nil {
		err = cfg.Secure.RequesterReply(ctx, RequesterReply{StandardTicketID: target, From: m.From.Address, Body: mailBody(m),
			Files: kept, NotKept: dropped})
	}
	switch {
	case err == nil:
		rec.Outcome = model.MailForwarded
		rec.Reason = fmt.Sprintf("%s names ticket %d, escalated: handed to the secure instance", how, target)
		if len(kept)+len(dropped) > 0 {
			rec.Reason += fmt.Sprintf(" with %d file(s); %d dropped over a limit, secure tells the requester", len(kept), len(dropped))
		}
	case errors.Is(err, ErrPeerRefused):
		rec.Outcome = model.MailRefused
		rec.Reason = fmt.Sprintf("%s names ticket %d, escalated; the secure instance refused it (nothing of it kept here)", how, target)
	default:
		return MailResult{}, err
	}
	// Ids only: the body must not reach standard's logs.
	s.log.InfoContext(ctx, "mail in: reply to an escalated ticket", "outcome", rec.Outcome, "ticket_id", target, "error", errText(err))
	return s.recordOnly(ctx, rec)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TakeRequesterReply is the secure side: the peer hands over a requester's mail
// reply to the standard ticket it escalated. It becomes a public comment from
// that ticket's requester, and only when the mail came from the requester's own
// address; anything else is refused, so standard (or someone holding its peer
// token) can't write in anyone else's name.
func (s *Service) TakeRequesterReply(ctx context.Context, actor model.User, r RequesterReply) error {
	if !isPeer(actor) || !s.confidential {
		return fmt.Errorf("desk: requester reply: %w", model.ErrForbidden)
	}
	if strings.TrimSpace(r.Body) == "" {
		return model.Invalid("body", "BlankValue", "Body: cannot be blank")
	}
	if len(r.NotKept) > maxNotKept || len(r.Uploads) > 1 {
		return peerInvalid("not_kept", "at most %d dropped files and one upload token", maxNotKept)
	}
	for i := range r.NotKept {
		r.NotKept[i].Name = cmp.Or(cleanFileName(r.NotKept[i].Name), "attachment")
		r.NotKept[i].Why = "not carried over from the standard instance (over its size or count limit)"
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		l, err := tx.LinkByOrigin(ctx, r.StandardTicketID)
		if isNotFound(err) {
			return fmt.Errorf("desk: peer: standard ticket %d was not escalated here: %w", r.StandardTicketID, model.ErrNotFound)
		} else if err != nil {
			return err
		}
		t, err := tx.Ticket(ctx, l.TicketID)
		if err != nil {
			return err
		}
		requester, err := tx.User(ctx, t.RequesterID)
		if err != nil {
			return err
		}
		if !strings.EqualFold(requester.Email, strings.TrimSpace(r.From)) {
			return peerInvalid("from", "only the ticket's requester may reply by mail")
		}
		if t.Status == model.StatusClosed {
			return peerInvalid("status", "ticket %d is closed", t.ID)
		}
		snap, err := s.rulesFor(ctx, tx)
		if err != nil {
			return err
		}
		before := t.Clone()
		now := s.clock()
		if t.Status == model.StatusPending || t.Status == model.StatusSolved {
			t.Status = model.StatusOpen
		}
		t.UpdatedAt = now
		c := &model.Comment{AuthorID: requester.ID, Body: r.Body, Public: true, Via: "email", CreatedAt: now}
		// The files are uploads of standard's peer identity (actor), which
		// attachUploads checks.
		_, err = s.commitChangeWith(ctx, tx, snap, requester, &before, &t, c, "email", func(c *model.Comment) error {
			return s.attachUploads(ctx, tx, actor, &CommentInput{Uploads: r.Uploads}, c)
		})
		if err != nil || len(r.NotKept) == 0 {
			return err
		}
		// The mail says how many, never standard's names: the peer must not
		// choose text secure mails to the requester.
		return s.tellDropped(ctx, tx, snap, requester, &t, false, r.NotKept, false)
	})
}

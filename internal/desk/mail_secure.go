package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
}

// SecureMail delivers requester replies to the secure instance.
type SecureMail interface {
	RequesterReply(ctx context.Context, r RequesterReply) error
}

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
	hooks, err := p.s.db.Read().ListWebhooks(ctx)
	if err != nil {
		return err
	}
	var hook *model.Webhook
	for i := range hooks {
		if hooks[i].Name == secureWebhookName && hooks[i].Status == "active" {
			hook = &hooks[i]
		}
	}
	if hook == nil {
		return fmt.Errorf("desk: mail to secure: no active webhook %q (run twindesk escalation setup): %w", secureWebhookName, ErrPeerRefused)
	}
	if p.s.secrets != nil {
		if *hook, err = p.s.secrets.OpenWebhook(*hook); err != nil {
			return fmt.Errorf("desk: mail to secure: open credentials: %w", err)
		}
	}
	u, err := url.Parse(hook.Endpoint)
	if err != nil {
		return fmt.Errorf("desk: mail to secure: endpoint: %w", err)
	}
	body, _ := json.Marshal(map[string]any{"reply": r})
	req, err := http.NewRequestWithContext(ctx, "POST", u.Scheme+"://"+u.Host+"/api/v2/twindesk/peer/mail_replies.json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	// The same credential the escalation's own calls carry (webhook.authenticate).
	switch hook.AuthType {
	case "basic_auth":
		req.SetBasicAuth(hook.AuthData["username"], hook.AuthData["password"])
	case "bearer_token":
		req.Header.Set("Authorization", "Bearer "+hook.AuthData["token"])
	}
	res, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("desk: mail to secure: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	switch {
	case res.StatusCode/100 == 2:
		return nil
	case res.StatusCode/100 == 4 && res.StatusCode != http.StatusTooManyRequests:
		return fmt.Errorf("desk: mail to secure: HTTP %d: %w", res.StatusCode, ErrPeerRefused)
	}
	return fmt.Errorf("desk: mail to secure: HTTP %d", res.StatusCode)
}

// mailToSecure hands the reply to secure and records only that it did. Files of
// such a reply are not forwarded (the route carries text); the reason says how
// many were left out. A transient failure records nothing, so the mail is offered
// again.
func (s *Service) mailToSecure(ctx context.Context, cfg *MailConfig, m *parse.Message, rec model.MailMessage, target int64, how string) (MailResult, error) {
	err := ErrPeerRefused
	if cfg.Secure != nil {
		err = cfg.Secure.RequesterReply(ctx, RequesterReply{StandardTicketID: target, From: m.From.Address, Body: mailBody(m)})
	}
	switch {
	case err == nil:
		rec.Outcome = model.MailForwarded
		rec.Reason = fmt.Sprintf("%s names ticket %d, escalated: handed to the secure instance", how, target)
		if n := len(m.Attachments); n > 0 {
			rec.Reason += fmt.Sprintf("; %d file(s) not forwarded", n)
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
		_, err = s.commitChange(ctx, tx, snap, requester, &before, &t, c, "email")
		return err
	})
}

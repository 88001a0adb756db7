package desk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/twindesk/twindesk/internal/mail/mailhealth"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Mailboxes (admin API and page): the IMAP mailboxes an instance fetches, each
// with its default group and its password or OAuth2 client. Secrets are sealed
// with the instance key before they are stored, and no read returns them.

const (
	mailboxSecretLabel  = "mailbox secret"
	mailboxRefreshLabel = "mailbox refresh token"
)

// MailboxInput is a mailbox create or update; nil leaves a field as it is.
type MailboxInput struct {
	Name, Address, URL, Auth                 *string
	Secret                                   *string
	OAuthTokenURL, OAuthClientID, OAuthScope *string
	OAuthRefreshToken                        *string
	GroupID                                  *int64
	Active                                   *bool
}

// Mailboxes lists the mailboxes (secrets sealed).
func (s *Service) Mailboxes(ctx context.Context, actor model.User) ([]model.Mailbox, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().Mailboxes(ctx)
}

// Mailbox returns one mailbox (secrets sealed).
func (s *Service) Mailbox(ctx context.Context, actor model.User, id int64) (model.Mailbox, error) {
	if err := requireAdmin(actor); err != nil {
		return model.Mailbox{}, err
	}
	return s.db.Read().Mailbox(ctx, id)
}

// SaveMailbox creates (id 0) or updates a mailbox. A password in the URL is
// moved to the sealed secret, so the URL shown back carries none.
func (s *Service) SaveMailbox(ctx context.Context, actor model.User, id int64, in MailboxInput) (model.Mailbox, error) {
	if err := requireAdmin(actor); err != nil {
		return model.Mailbox{}, err
	}
	var m model.Mailbox
	err := s.db.WriteTx(ctx, func(tx *store.Tx) error {
		m = model.Mailbox{Auth: "password", Active: true, CreatedAt: s.clock()}
		if id != 0 {
			var err error
			if m, err = tx.Mailbox(ctx, id); err != nil {
				return err
			}
		}
		set(&m.Name, in.Name)
		set(&m.Address, in.Address)
		set(&m.URL, in.URL)
		set(&m.Auth, in.Auth)
		set(&m.OAuthTokenURL, in.OAuthTokenURL)
		set(&m.OAuthClientID, in.OAuthClientID)
		set(&m.OAuthScope, in.OAuthScope)
		set(&m.GroupID, in.GroupID)
		set(&m.Active, in.Active)
		m.Name, m.Address = strings.TrimSpace(m.Name), strings.ToLower(strings.TrimSpace(m.Address))
		if in.Secret != nil {
			m.Secret = s.seal(mailboxSecretLabel, *in.Secret, false)
		}
		if in.OAuthRefreshToken != nil {
			m.OAuthRefresh = s.seal(mailboxRefreshLabel, *in.OAuthRefreshToken, false)
		}
		if err := s.checkMailbox(ctx, tx, &m); err != nil {
			return err
		}
		m.UpdatedAt = s.clock()
		err := tx.SaveMailbox(ctx, &m)
		if isConflict(err) {
			return model.Invalid("name", "DuplicateValue", "Name: %q is already the name of a mailbox", m.Name)
		}
		return err
	})
	return m, err
}

func isConflict(err error) bool { return errors.Is(err, model.ErrConflict) }

// checkMailbox validates m; a password given in its URL moves to its secret.
func (s *Service) checkMailbox(ctx context.Context, tx *store.Tx, m *model.Mailbox) error {
	v := &model.ValidationError{}
	if m.Name == "" {
		v.Add("name", "BlankValue", "Name: cannot be blank")
	}
	if m.Address != "" && !validEmail(m.Address) {
		v.Add("address", "InvalidValue", "Address: %q is not a valid email address", m.Address)
	}
	u, err := url.Parse(m.URL)
	if err != nil || (u.Scheme != "imaps" && u.Scheme != "imap") || u.Hostname() == "" || u.User.Username() == "" {
		v.Add("url", "InvalidValue", "URL: must be imaps://user@host:993/INBOX or imap://user@host/INBOX (STARTTLS)")
	} else if pw, ok := u.User.Password(); ok {
		m.Secret = s.seal(mailboxSecretLabel, pw, false)
		u.User = url.User(u.User.Username())
		m.URL = u.String()
	}
	switch m.Auth {
	case "password":
	case "oauth2":
		if m.OAuthTokenURL == "" || m.OAuthClientID == "" {
			v.Add("oauth_token_url", "BlankValue", "OAuth: a token URL and a client id are required for auth oauth2")
		}
	default:
		v.Add("auth", "InvalidValue", "Auth: %q must be password or oauth2", m.Auth)
	}
	if m.GroupID != 0 {
		if _, err := tx.Group(ctx, m.GroupID); isNotFound(err) {
			v.Add("group_id", "InvalidValue", "Group: %d does not exist", m.GroupID)
		} else if err != nil {
			return err
		}
	}
	return v.OrNil()
}

// DeleteMailbox removes a mailbox; what it fetched stays recorded.
func (s *Service) DeleteMailbox(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error { return tx.DeleteMailbox(ctx, id) })
}

// MailboxSecrets opens a mailbox's secret and refresh token for the poller.
func (s *Service) MailboxSecrets(m model.Mailbox) (secret, refresh string, err error) {
	if s.secrets == nil {
		return m.Secret, m.OAuthRefresh, nil
	}
	if secret, err = s.secrets.Open(mailboxSecretLabel, m.Secret); err != nil {
		return "", "", fmt.Errorf("desk: mailbox %d secret: %w", m.ID, err)
	}
	if refresh, err = s.secrets.Open(mailboxRefreshLabel, m.OAuthRefresh); err != nil {
		return "", "", fmt.Errorf("desk: mailbox %d refresh token: %w", m.ID, err)
	}
	return secret, refresh, nil
}

// StoreRotatedRefreshToken keeps the refresh token an issuer rotated, sealed.
func (s *Service) StoreRotatedRefreshToken(ctx context.Context, id int64, token string) error {
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		return tx.SetMailboxRefreshToken(ctx, id, s.seal(mailboxRefreshLabel, token, false))
	})
}

// QuarantinedMails lists mail that could not be filed (admins).
func (s *Service) QuarantinedMails(ctx context.Context, actor model.User) ([]model.QuarantinedMail, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.db.Read().QuarantinedMails(ctx, 200)
}

// DismissQuarantinedMail drops a quarantine entry and its stored message; the
// intake row stays, so the mail is not fetched again.
func (s *Service) DismissQuarantinedMail(ctx context.Context, actor model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		x, err := tx.QuarantinedMail(ctx, id)
		if err != nil {
			return err
		}
		if x.BlobID != "" && s.blobs != nil {
			if err := s.deleteBlobTx(ctx, tx, x.BlobID); err != nil {
				return err
			}
		}
		return tx.DismissQuarantined(ctx, id)
	})
}

// MailLog lists the intake rows of a ticket (0: all, admins only): how each
// mail was threaded, for the ticket page and the admin page.
func (s *Service) MailLog(ctx context.Context, actor model.User, ticketID int64) ([]model.MailMessage, error) {
	if ticketID == 0 {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	} else if err := s.staffOnTicket(ctx, actor, ticketID); err != nil {
		return nil, err
	}
	return s.db.Read().MailMessages(ctx, ticketID, 200)
}

// WithMailHealth gives the desk the pollers' health, for MailboxHealth.
func WithMailHealth(h *mailhealth.Health) Option { return func(s *Service) { s.mailHealth = h } }

// MailboxHealth returns what each running poller last did (admins).
func (s *Service) MailboxHealth(actor model.User) ([]mailhealth.State, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.mailHealth.States(), nil
}

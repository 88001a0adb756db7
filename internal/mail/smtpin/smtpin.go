// Package smtpin accepts mail pushed over SMTP (--smtp-listen), for sites that
// point an MTA at twindesk instead of giving it a mailbox. It is a receiver, not
// a relay: every accepted message is filed by the desk, none is sent on. A mail
// the desk can't record yet is refused with a 451, so the MTA keeps it and
// retries; nothing is acknowledged before it is recorded.
package smtpin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/twindesk/twindesk/internal/desk"
)

// Taker files one mail (desk.Service.TakeMail with the instance's MailConfig).
type Taker func(ctx context.Context, in desk.InboundMail) (desk.MailResult, error)

// Router returns the group for a mail's recipients (the default group of the
// mailbox whose address is among them), 0 for none.
type Router func(ctx context.Context, rcpts []string) int64

// partialBytes is how much of an oversized mail is kept for the quarantine.
const partialBytes = 64 << 10

// Server is the SMTP receiver.
type Server struct {
	smtp *smtp.Server
	ln   net.Listener
}

// Listen opens addr and serves until Close. maxBytes is the largest mail filed:
// a larger one is read to its end but only its start is kept, and quarantined.
func Listen(addr, domain string, maxBytes int64, take Taker, route Router, log *slog.Logger) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smtp listen %s: %w", addr, err)
	}
	be := &backend{take: take, route: route, log: log, maxBytes: maxBytes}
	s := smtp.NewServer(be)
	s.Domain = domain
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, time.Minute
	s.MaxRecipients = 100
	// No SMTP-level size limit: an oversized mail must land in the quarantine,
	// not bounce back to a sender who may never read the bounce.
	s.MaxMessageBytes = 0
	go func() {
		if err := s.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			log.Error("smtp in: server stopped", "error", err)
		}
	}()
	return &Server{smtp: s, ln: ln}, nil
}

// Addr is the address it listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting and ends open sessions.
func (s *Server) Close() error { return s.smtp.Close() }

type backend struct {
	take     Taker
	route    Router
	log      *slog.Logger
	maxBytes int64
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b     *backend
	rcpts []string
}

func (s *session) Reset()                               { s.rcpts = nil }
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, strings.ToLower(to))
	return nil
}

func (s *session) Data(r io.Reader) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	limit := s.b.maxBytes
	if limit <= 0 {
		limit = desk.DefaultMaxMailBytes
	}
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return err
	}
	size := int64(len(raw))
	if size > limit {
		rest, err := io.Copy(io.Discard, r)
		if err != nil {
			return err
		}
		size += rest
		raw = raw[:min(len(raw), partialBytes)]
	}
	var group int64
	if s.b.route != nil {
		group = s.b.route(ctx, s.rcpts)
	}
	res, err := s.b.take(ctx, desk.InboundMail{GroupID: group, Raw: raw, Size: size})
	if err != nil {
		s.b.log.WarnContext(ctx, "smtp in: mail deferred", "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Not filed yet, try again later"}
	}
	s.b.log.InfoContext(ctx, "smtp in: mail taken", "outcome", res.Outcome, "ticket_id", res.TicketID, "duplicate", res.Duplicate)
	return nil
}

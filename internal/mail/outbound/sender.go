package outbound

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TokenSource gives an OAuth2 access token for XOAUTH2/OAUTHBEARER. It is asked
// once per connection, so it should cache the token and refresh it before it
// expires (the mail OAuth package and NewClientCredentials do).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Timeout bounds one send: connect, TLS, authentication and the message.
const Timeout = 60 * time.Second

// Sender sends built messages through one relay. It is safe for concurrent use:
// each Send has its own connection.
type Sender struct {
	relay  Relay
	tokens TokenSource
	tls    *tls.Config
	helo   string
}

// SenderOption adjusts a Sender.
type SenderOption func(*Sender)

// WithTokens sets where XOAUTH2/OAUTHBEARER tokens come from, overriding the
// relay URL's own grant parameters.
func WithTokens(ts TokenSource) SenderOption { return func(s *Sender) { s.tokens = ts } }

// WithTLS sets the TLS configuration (a private CA's roots, say).
func WithTLS(c *tls.Config) SenderOption { return func(s *Sender) { s.tls = c } }

// NewSender returns a Sender for relay. An oauth relay without WithTokens gets
// a token source built from its URL's grant parameters.
func NewSender(relay Relay, opts ...SenderOption) (*Sender, error) {
	s := &Sender{relay: relay, helo: "localhost"}
	for _, o := range opts {
		o(s)
	}
	host, _, _ := net.SplitHostPort(relay.Host)
	if s.tls == nil {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	s.tls = s.tls.Clone()
	s.tls.ServerName = host
	s.tls.InsecureSkipVerify = relay.SkipVerify //nolint:gosec // the operator asked for it in the URL
	if s.tokens == nil && (relay.Auth == AuthXOAuth2 || relay.Auth == AuthOAuthBearer) {
		ts, err := newGrantTokens(relay)
		if err != nil {
			return nil, err
		}
		s.tokens = ts
	}
	return s, nil
}

// Relay is the relay this Sender uses.
func (s *Sender) Relay() Relay { return s.relay }

// Error is a failed send. Permanent is true when the relay refused the message
// or its recipient for good (a 5xx reply): sending it again can't succeed.
type Error struct {
	Permanent bool
	Err       error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Send delivers msg from the envelope sender to the recipients.
func (s *Sender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	c, err := s.dial(ctx)
	if err != nil {
		return classify("connect", err)
	}
	defer c.Close()
	if err := s.auth(ctx, c); err != nil {
		return classify("authenticate", err)
	}
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return classify("send", err)
	}
	_ = c.Quit() // the message is accepted; a lost QUIT answer changes nothing
	return nil
}

// dial connects and greets the relay. smtp:// requires STARTTLS (no silent
// downgrade to clear text by a relay, or a man in the middle, that hides the
// extension) unless the URL says insecure=true. A context deadline becomes the
// connection's, so a relay that stops answering can't hold a worker.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	var conn net.Conn
	var err error
	if s.relay.Implicit {
		conn, err = (&tls.Dialer{Config: s.tls}).DialContext(ctx, "tcp", s.relay.Host)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.relay.Host)
	}
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if s.relay.Implicit || s.relay.Insecure {
		c := smtp.NewClient(conn)
		if err := c.Hello(s.helo); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
	return smtp.NewClientStartTLS(conn, s.tls)
}

// auth logs in when the URL has a user. Credentials never cross an unencrypted
// connection unless the URL says insecure=true.
func (s *Sender) auth(ctx context.Context, c *smtp.Client) error {
	if s.relay.User == "" {
		return nil
	}
	var mech sasl.Client
	switch s.relay.Auth {
	case AuthXOAuth2, AuthOAuthBearer:
		tok, err := s.tokens.Token(ctx)
		if err != nil {
			return fmt.Errorf("oauth token: %w", err)
		}
		if s.relay.Auth == AuthXOAuth2 {
			mech = newXOAuth2(s.relay.User, tok)
		} else {
			host, port, _ := net.SplitHostPort(s.relay.Host)
			p := 0
			fmt.Sscan(port, &p)
			mech = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: s.relay.User, Token: tok, Host: host, Port: p})
		}
	case AuthLogin:
		mech = sasl.NewLoginClient(s.relay.User, s.relay.Password)
	case AuthPlain:
		mech = sasl.NewPlainClient("", s.relay.User, s.relay.Password)
	default:
		mech = sasl.NewPlainClient("", s.relay.User, s.relay.Password)
		if !c.SupportsAuth(sasl.Plain) && c.SupportsAuth(sasl.Login) {
			mech = sasl.NewLoginClient(s.relay.User, s.relay.Password)
		}
	}
	return c.Auth(mech)
}

// classify wraps err as an *Error, permanent for 5xx replies (other than 535,
// failed authentication, which an operator fixes without the message changing:
// it is retried until the budget runs out).
func classify(step string, err error) error {
	var perm *Error
	if errors.As(err, &perm) {
		return &Error{Permanent: perm.Permanent, Err: fmt.Errorf("smtp %s: %w", step, err)}
	}
	var se *smtp.SMTPError
	permanent := errors.As(err, &se) && se.Code >= 500 && se.Code != 535 && se.Code != 530
	return &Error{Permanent: permanent, Err: fmt.Errorf("smtp %s: %w", step, err)}
}

// xoauth2 is the SASL XOAUTH2 mechanism of Google and Microsoft (go-sasl has
// only the standard OAUTHBEARER).
type xoauth2 struct{ user, token string }

func newXOAuth2(user, token string) sasl.Client { return &xoauth2{user: user, token: token} }

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, after which the server fails the exchange with its reply code.
func (x *xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

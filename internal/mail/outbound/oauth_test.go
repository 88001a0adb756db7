package outbound

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// These tests run go-smtp's server (a real SMTP server library) over implicit
// TLS, checking the OAuth2 token each SASL mechanism carries, as Exchange
// Online and Gmail do. Mailpit accepts any login, so it can't tell a right
// token from a wrong one.

const goodToken = "ya29.good-token"

type oauthBackend struct {
	mu       sync.Mutex
	mechs    []string // what logged in
	received [][]byte
}

func (b *oauthBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &oauthSession{b: b}, nil }

type oauthSession struct {
	b    *oauthBackend
	mech string
}

func (s *oauthSession) AuthMechanisms() []string { return []string{"XOAUTH2", sasl.OAuthBearer} }

func (s *oauthSession) Auth(mech string) (sasl.Server, error) {
	s.mech = mech
	if mech == sasl.OAuthBearer {
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if o.Token != goodToken || o.Username != "it@company.example" {
				return &sasl.OAuthBearerError{Status: "invalid_token"}
			}
			return nil
		}), nil
	}
	return xoauth2Server{}, nil
}

// xoauth2Server checks Google's XOAUTH2 initial response:
// "user=" user ^A "auth=Bearer " token ^A ^A.
type xoauth2Server struct{}

func (xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	parts := strings.Split(string(resp), "\x01")
	if len(parts) != 4 || parts[0] != "user=it@company.example" || parts[1] != "auth=Bearer "+goodToken {
		return nil, false, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid token"}
	}
	return nil, true, nil
}

func (s *oauthSession) Mail(string, *smtp.MailOptions) error {
	if s.mech == "" {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *oauthSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *oauthSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.mechs = append(s.b.mechs, s.mech)
	s.b.received = append(s.b.received, b)
	return err
}
func (s *oauthSession) Reset()        {}
func (s *oauthSession) Logout() error { return nil }

type staticTokens struct{ tok string }

func (s staticTokens) Token(context.Context) (string, error) { return s.tok, nil }

func TestOAuthOverTLS(t *testing.T) {
	t.Parallel()
	_, _, cert, roots := selfSigned(t)
	be := &oauthBackend{}
	srv := smtp.NewServer(be)
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := ln.Addr().(*net.TCPAddr).String()
	raw, err := testMessage().Build()
	require.NoError(t, err)

	for _, mech := range []string{AuthXOAuth2, AuthOAuthBearer} {
		relay, err := ParseRelay("smtps://it%40company.example@" + addr + "?auth=" + mech + "&token_url=https://login.example/token&client_id=x")
		require.NoError(t, err)
		good, err := NewSender(relay, WithTLS(&tls.Config{RootCAs: roots}), WithTokens(staticTokens{goodToken}))
		require.NoError(t, err)
		require.NoError(t, good.Send(context.Background(), "it@company.example", []string{"a@example.org"}, raw), mech)

		bad, err := NewSender(relay, WithTLS(&tls.Config{RootCAs: roots}), WithTokens(staticTokens{"expired"}))
		require.NoError(t, err)
		err = bad.Send(context.Background(), "it@company.example", []string{"a@example.org"}, raw)
		var oe *Error
		require.ErrorAs(t, err, &oe, mech)
		require.False(t, oe.Permanent, "a refused token is retried (the operator fixes it, the message stays good): %v", err)
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	require.Equal(t, []string{"XOAUTH2", sasl.OAuthBearer}, be.mechs, "only the good tokens got to send")
	require.True(t, bytes.Contains(be.received[0], []byte("Auto-Submitted: auto-generated")))
}

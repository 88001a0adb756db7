// Package oauth gets access tokens for mailboxes that no longer take passwords
// (Exchange Online, Gmail) and speaks the SASL mechanisms IMAP and SMTP servers
// accept them with: XOAUTH2 (Microsoft, Google) and OAUTHBEARER (RFC 7628).
//
// Tokens come from golang.org/x/oauth2 by the client-credentials grant or a
// refresh token, and are renewed a minute before they expire. An issuer that
// rotates refresh tokens (Microsoft does on every use) hands back a new one; it is
// passed to Config.OnRotate so the caller can store it (sealed) before the old one
// stops working.
package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenSource gives a currently valid access token.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Config is one mailbox's OAuth client.
type Config struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	// RefreshToken selects the refresh-token grant; empty uses client credentials.
	RefreshToken string
	// Scope is space-separated, e.g. "https://outlook.office365.com/.default".
	Scope string
	// OnRotate receives a new refresh token the issuer returned; nil ignores it.
	OnRotate func(ctx context.Context, refreshToken string) error
	// HTTPClient talks to the token endpoint; nil uses a client with a 30 s timeout.
	HTTPClient *http.Client
}

// EarlyRefresh is how long before its expiry a token is replaced, so a command
// never starts with a token about to lapse.
const EarlyRefresh = time.Minute

// New returns the token source of cfg.
func New(cfg Config) (TokenSource, error) {
	if cfg.TokenURL == "" || cfg.ClientID == "" {
		return nil, errors.New("oauth: a token URL and a client id are required")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &source{cfg: cfg, refresh: cfg.RefreshToken}, nil
}

type source struct {
	cfg     Config
	mu      sync.Mutex
	tok     *oauth2.Token
	refresh string
}

func (s *source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken != "" && (s.tok.Expiry.IsZero() || time.Until(s.tok.Expiry) > EarlyRefresh) {
		return s.tok.AccessToken, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.cfg.HTTPClient)
	scopes := strings.Fields(s.cfg.Scope)
	var tok *oauth2.Token
	var err error
	if s.refresh != "" {
		c := &oauth2.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, Scopes: scopes,
			Endpoint: oauth2.Endpoint{TokenURL: s.cfg.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		// An expired token with the refresh token makes x/oauth2 refresh now.
		tok, err = c.TokenSource(ctx, &oauth2.Token{RefreshToken: s.refresh, Expiry: time.Unix(1, 0)}).Token()
	} else {
		c := &clientcredentials.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, TokenURL: s.cfg.TokenURL,
			Scopes: scopes, AuthStyle: oauth2.AuthStyleInParams}
		tok, err = c.Token(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("oauth: token from %s: %w", s.cfg.TokenURL, err)
	}
	if tok.RefreshToken != "" && s.refresh != "" && tok.RefreshToken != s.refresh {
		if s.cfg.OnRotate != nil {
			if err := s.cfg.OnRotate(ctx, tok.RefreshToken); err != nil {
				return "", fmt.Errorf("oauth: store rotated refresh token: %w", err)
			}
		}
		s.refresh = tok.RefreshToken
	}
	s.tok = tok
	return tok.AccessToken, nil
}

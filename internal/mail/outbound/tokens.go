package outbound

import (
	"errors"

	"github.com/twindesk/twindesk/internal/mail/oauth"
)

// newGrantTokens gets access tokens by the grant a relay URL names, through the
// mail OAuth package IMAP uses too: a refresh token (Gmail, a delegated
// Microsoft 365 mailbox) or client credentials (Exchange Online with an app
// registration), renewed shortly before they expire. A rotated refresh token is
// kept in memory only: the URL's stays the one to restart with.
func newGrantTokens(r Relay) (TokenSource, error) {
	tokenURL, clientID := r.OAuth.Get("token_url"), r.OAuth.Get("client_id")
	if tokenURL == "" || clientID == "" {
		return nil, errors.New("smtp url: oauth needs token_url and client_id parameters (the client secret is the URL's password)")
	}
	return oauth.New(oauth.Config{TokenURL: tokenURL, ClientID: clientID, ClientSecret: r.Password,
		RefreshToken: r.OAuth.Get("refresh_token"), Scope: r.OAuth.Get("scope")})
}

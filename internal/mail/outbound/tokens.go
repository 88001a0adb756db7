package outbound

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// grantTokens gets access tokens by the grant a relay URL names: a refresh
// token (Gmail, a delegated Microsoft 365 mailbox) or client credentials
// (Exchange Online with an app registration). x/oauth2 caches the token and
// refreshes it shortly before it expires.
type grantTokens struct{ src oauth2.TokenSource }

func newGrantTokens(r Relay) (TokenSource, error) {
	tokenURL, clientID := r.OAuth.Get("token_url"), r.OAuth.Get("client_id")
	if tokenURL == "" || clientID == "" {
		return nil, errors.New("smtp url: oauth needs token_url and client_id parameters (the client secret is the URL's password)")
	}
	scopes := strings.Fields(r.OAuth.Get("scope"))
	if rt := r.OAuth.Get("refresh_token"); rt != "" {
		cfg := &oauth2.Config{ClientID: clientID, ClientSecret: r.Password, Scopes: scopes,
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		// The context only carries the HTTP client for refreshes; Background
		// keeps the source usable after the call that built it.
		return grantTokens{src: cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt})}, nil
	}
	cfg := &clientcredentials.Config{ClientID: clientID, ClientSecret: r.Password, TokenURL: tokenURL, Scopes: scopes,
		AuthStyle: oauth2.AuthStyleInParams}
	return grantTokens{src: oauth2.ReuseTokenSource(nil, cfg.TokenSource(context.Background()))}, nil
}

// Token returns a valid access token, fetching a new one when needed.
func (g grantTokens) Token(context.Context) (string, error) {
	t, err := g.src.Token()
	if err != nil {
		return "", fmt.Errorf("outbound: oauth token: %w", err)
	}
	return t.AccessToken, nil
}

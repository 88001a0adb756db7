package oauth

import (
	"github.com/emersion/go-sasl"
)

// XOAUTH2 is the SASL mechanism Microsoft and Google document for IMAP and SMTP.
const XOAUTH2 = "XOAUTH2"

// NewXOAUTH2Client returns a SASL client for XOAUTH2: one initial response
// "user=...^Aauth=Bearer ...^A^A". go-sasl has OAUTHBEARER but no longer XOAUTH2.
func NewXOAUTH2Client(username, token string) sasl.Client {
	return &xoauth2{username: username, token: token}
}

type xoauth2 struct{ username, token string }

func (x *xoauth2) Start() (string, []byte, error) {
	return XOAUTH2, []byte("user=" + x.username + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, as the mechanism requires; the server then fails the exchange.
func (x *xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

// NewOAuthBearerClient returns a SASL client for OAUTHBEARER (RFC 7628).
func NewOAuthBearerClient(username, token string) sasl.Client {
	return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: username, Token: token})
}

// Client picks the mechanism a server offers, XOAUTH2 first (the one Exchange
// Online and Gmail support), then OAUTHBEARER; "" when it offers neither.
func Client(offered func(mech string) bool, username, token string) (sasl.Client, string) {
	switch {
	case offered(XOAUTH2):
		return NewXOAUTH2Client(username, token), XOAUTH2
	case offered(sasl.OAuthBearer):
		return NewOAuthBearerClient(username, token), sasl.OAuthBearer
	}
	return nil, ""
}

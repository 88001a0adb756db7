// Package outbound sends twindesk's mail through an SMTP relay: the relay's URL
// (smtp:// with STARTTLS, smtps:// with TLS from the first byte), SASL PLAIN or
// LOGIN with a password, or XOAUTH2 / OAUTHBEARER with an OAuth2 access token, as
// Exchange Online and Gmail require. Building a message and sending it are
// separate, so the durable job that sends can be retried without rebuilding.
package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Auth mechanisms a relay URL can ask for with ?auth=.
const (
	AuthAuto        = ""            // PLAIN, or LOGIN where the relay offers only that
	AuthPlain       = "plain"       // SASL PLAIN
	AuthLogin       = "login"       // SASL LOGIN (older Exchange relays)
	AuthXOAuth2     = "xoauth2"     // Google's and Microsoft's XOAUTH2
	AuthOAuthBearer = "oauthbearer" // RFC 7628
)

// Relay is a parsed --smtp-url.
type Relay struct {
	Host     string // host:port
	Implicit bool   // smtps://: TLS from connect
	User     string
	Password string // a password, or the OAuth2 client secret with an oauth auth
	Auth     string // one of the Auth constants
	// Insecure talks to an smtp:// relay without STARTTLS, credentials
	// included; only for a relay on the same host or a test sink.
	Insecure bool
	// SkipVerify accepts any TLS certificate (a relay with a self-signed one).
	SkipVerify bool
	// OAuth holds the client-credentials or refresh-token grant parameters
	// (token_url, client_id, scope, refresh_token) of an oauth auth.
	OAuth url.Values
}

// Redacted is the URL without its password, for logs and the admin page.
func (r Relay) Redacted() string {
	scheme := "smtp"
	if r.Implicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: r.Host}
	if r.User != "" {
		u.User = url.User(r.User)
	}
	if r.Auth != "" {
		u.RawQuery = "auth=" + r.Auth
	}
	return u.String()
}

// ParseRelay reads smtp://user:pass@host:587 or smtps://user:pass@host:465,
// with optional query parameters auth=plain|login|xoauth2|oauthbearer,
// insecure=true, tls_skip_verify=true and, for the oauth mechanisms, token_url,
// client_id, scope and refresh_token (the client secret is the URL's password).
func ParseRelay(raw string) (Relay, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Relay{}, fmt.Errorf("smtp url: %w", redactErr(err))
	}
	var r Relay
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		r.Implicit, port = true, "465"
	default:
		return Relay{}, errors.New("smtp url: scheme must be smtp:// (STARTTLS) or smtps:// (TLS)")
	}
	if u.Hostname() == "" {
		return Relay{}, errors.New("smtp url: a relay host is required, as in smtp://user:pass@relay.example:587")
	}
	r.Host = net.JoinHostPort(u.Hostname(), cmpOr(u.Port(), port))
	if u.User != nil {
		r.User = u.User.Username()
		r.Password, _ = u.User.Password()
	}
	q := u.Query()
	r.Auth = strings.ToLower(q.Get("auth"))
	switch r.Auth {
	case AuthAuto, AuthPlain, AuthLogin:
	case AuthXOAuth2, AuthOAuthBearer:
		if r.User == "" {
			return Relay{}, errors.New("smtp url: oauth needs the mailbox as user, as in smtp://it%40company.example@smtp.office365.com:587?auth=xoauth2")
		}
		r.OAuth = url.Values{}
		for _, k := range []string{"token_url", "client_id", "scope", "refresh_token"} {
			if v := q.Get(k); v != "" {
				r.OAuth.Set(k, v)
			}
		}
	default:
		return Relay{}, fmt.Errorf("smtp url: auth=%q: use plain, login, xoauth2 or oauthbearer", r.Auth)
	}
	if r.Insecure, err = boolParam(q, "insecure"); err != nil {
		return Relay{}, err
	}
	if r.SkipVerify, err = boolParam(q, "tls_skip_verify"); err != nil {
		return Relay{}, err
	}
	return r, nil
}

func boolParam(q url.Values, k string) (bool, error) {
	v := q.Get(k)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("smtp url: %s=%q is not true or false", k, v)
	}
	return b, nil
}

// redactErr keeps a password out of a url.Parse error, which quotes the URL.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// listener is an httptest server that counts the requests it gets and keeps the
// last Authorization header.
type listener struct {
	*httptest.Server
	hits atomic.Int32
	auth atomic.Value
}

func newListener(t *testing.T, h http.HandlerFunc) *listener {
	l := &listener{}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.hits.Add(1)
		l.auth.Store(r.Header.Get("Authorization"))
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(l.Close)
	return l
}

func (l *listener) hostPort() string { return strings.TrimPrefix(l.URL, "http://") }

func newSender(t *testing.T, c PolicyConfig) *Sender {
	p, err := NewPolicy(c)
	require.NoError(t, err)
	return NewSender(p)
}

func send(s *Sender, url string) Outcome {
	return s.Send(context.Background(), Request{DeliveryID: "d1", Method: "POST", URL: url, Body: `{}`,
		AuthType: "bearer_token", AuthData: map[string]string{"token": "secret-token"}})
}

func requireRefused(t *testing.T, out Outcome, want string) {
	t.Helper()
	require.Error(t, out.Err)
	var refused *RefusedError
	require.True(t, errors.As(out.Err, &refused), "want a RefusedError, got %v", out.Err)
	require.False(t, out.Retryable, "a refused URL must fail for good, not retry")
	require.Contains(t, out.Err.Error(), want)
}

// TestConfidentialRenderedHost: the allowlist is checked on the rendered URL, so
// `http://allowed{{ "@other:9999" }}/` (which renders to user "allowed", host
// "other") never reaches other.
func TestConfidentialRenderedHost(t *testing.T) {
	t.Parallel()
	allowed, other := newListener(t, nil), newListener(t, nil)
	// Loopback is allowed for the address check, so only the allowlist can refuse.
	s := newSender(t, PolicyConfig{Confidential: true, Hosts: []string{allowed.hostPort()}, Allow: []string{"127.0.0.0/8"}})

	out := send(s, "http://"+allowed.hostPort()+"@"+other.hostPort()+"/api/v2/tickets.json")
	requireRefused(t, out, "not on the webhook host allowlist")
	out = send(s, other.URL+"/api/v2/tickets.json")
	requireRefused(t, out, "not on the webhook host allowlist")
	require.Zero(t, other.hits.Load(), "the host off the allowlist got a request")

	out = send(s, allowed.URL+"/api/v2/tickets.json")
	require.NoError(t, out.Err)
	require.EqualValues(t, 1, allowed.hits.Load())
}

// TestRedirectNotFollowed: an allowed host answering 302 to a listener (same host
// name, another port: Go would keep the Authorization header) doesn't send the
// request there; the delivery fails for good with a clear error.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	for _, confidential := range []bool{true, false} {
		sink := newListener(t, nil)
		redirector := newListener(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, sink.URL+"/steal", http.StatusTemporaryRedirect)
		})
		c := PolicyConfig{Allow: []string{"127.0.0.1/32"}}
		if confidential {
			c = PolicyConfig{Confidential: true, Hosts: []string{"127.0.0.1"}}
		}
		out := send(newSender(t, c), redirector.URL+"/api/v2/tickets.json")
		require.Error(t, out.Err)
		require.False(t, out.Retryable)
		require.Equal(t, http.StatusTemporaryRedirect, out.StatusCode)
		require.Contains(t, out.Err.Error(), "never follow redirects")
		require.EqualValues(t, 1, redirector.hits.Load())
		require.Zero(t, sink.hits.Load(), "the redirect was followed")
		require.Nil(t, sink.auth.Load(), "the Authorization header reached the redirect's target")
	}
}

// TestInternalAddressesRefused: loopback, link-local (cloud metadata), private and
// unspecified addresses are refused unless allowed, also behind a host name, and
// without a retry.
func TestInternalAddressesRefused(t *testing.T) {
	t.Parallel()
	l := newListener(t, nil)
	_, port, _ := strings.Cut(l.hostPort(), ":")
	s := newSender(t, PolicyConfig{})
	for url, why := range map[string]string{
		l.URL + "/x":                           "a loopback address",
		"http://localhost:" + port + "/x":      "a loopback address", // resolved, then checked
		"http://169.254.169.254/latest/meta":   "a link-local address",
		"http://10.1.2.3:8080/x":               "a private address",
		"http://192.168.0.1/x":                 "a private address",
		"http://[fd00::1]/x":                   "a private address",
		"http://0.0.0.0:" + port + "/x":        "an unspecified address",
		"http://[::ffff:127.0.0.1]:" + port:    "a loopback address",
		"ftp://example.com/x":                  "only http and https",
		"http://127.0.0.1:" + port + "/?a=b#c": "--outbound-allow",
	} {
		out := send(s, url)
		requireRefused(t, out, why)
		require.NotContains(t, out.Err.Error(), "/x", "the refusal names the host, not the path (ticket data may be in it)")
	}
	require.Zero(t, l.hits.Load())
}

// TestAllowedInternalAddresses: host:port, host and CIDR entries let a private or
// loopback peer be reached, and nothing next to it.
func TestAllowedInternalAddresses(t *testing.T) {
	t.Parallel()
	l, other := newListener(t, nil), newListener(t, nil)
	_, port, _ := strings.Cut(l.hostPort(), ":")
	for _, entry := range []string{l.hostPort(), "127.0.0.0/8", "127.0.0.1"} {
		s := newSender(t, PolicyConfig{Allow: []string{entry}})
		require.NoError(t, send(s, l.URL+"/x").Err, entry)
		require.NoError(t, send(s, "http://localhost:"+port+"/x").Err, entry) // the resolved address is allowed
	}
	// A name entry allows that name, whatever it resolves to.
	byName := newSender(t, PolicyConfig{Allow: []string{"LocalHost:" + port}})
	require.NoError(t, send(byName, "http://localhost:"+port+"/x").Err)
	s := newSender(t, PolicyConfig{Allow: []string{l.hostPort()}})
	requireRefused(t, send(s, other.URL+"/x"), "a loopback address")
	require.Zero(t, other.hits.Load())
	for _, bad := range []string{"10.0.0.0/33", "host:port:x", "host:0", "host:", ":80", "ho st", "http://host"} {
		_, err := NewPolicy(PolicyConfig{Allow: []string{bad}})
		require.ErrorContains(t, err, bad)
	}
	for _, good := range []string{"[::1]:8081", "::1", "[::1]", "peer.example", "peer.example:443", "10.0.0.0/8", "fd00::/8"} {
		_, err := NewPolicy(PolicyConfig{Allow: []string{good}})
		require.NoError(t, err, good)
	}
}

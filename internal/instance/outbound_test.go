package instance_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/config"
)

// These tests attack the outbound policy through a running instance: an admin
// points webhooks at internal addresses, a ticket value tries to change the URL,
// an allowed host redirects elsewhere.

// sink is a listener that records the request URIs and Authorization headers it gets.
type sink struct {
	*httptest.Server
	mu   sync.Mutex
	uris []string
	auth []string
}

func newSink(t *testing.T, h http.HandlerFunc) *sink {
	s := &sink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.uris, s.auth = append(s.uris, r.RequestURI), append(s.auth, r.Header.Get("Authorization"))
		s.mu.Unlock()
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.uris...)
}

func (s *sink) hostPort() string { return strings.TrimPrefix(s.URL, "http://") }

// settled waits until the webhook's only delivery has failed or been delivered.
func settled(t *testing.T, n *node, webhookID string) invocation {
	t.Helper()
	var inv invocation
	waitFor(t, 20*time.Second, "delivery of webhook "+webhookID+" settled", func() bool {
		invs := n.invocations(webhookID)
		if len(invs) == 0 {
			return false
		}
		inv = invs[0]
		return inv.State == "failed" || inv.State == "delivered"
	})
	return inv
}

func requireFailed(t *testing.T, inv invocation, want string) {
	t.Helper()
	if inv.State != "failed" || inv.Attempts != 1 {
		t.Fatalf("delivery %s: state %q after %d attempts, want failed after 1 (no retry)", inv.ID, inv.State, inv.Attempts)
	}
	if inv.Error == nil || !strings.Contains(*inv.Error, want) {
		got := "none"
		if inv.Error != nil {
			got = *inv.Error
		}
		t.Fatalf("delivery %s: error %q, want it to say %q", inv.ID, got, want)
	}
}

// TestOutboundInternalAddressesRefused: without --outbound-allow, an admin's
// webhooks to loopback, cloud metadata and private addresses fail at once with a
// clear error, and the loopback listener gets nothing (no port-scan oracle).
func TestOutboundInternalAddressesRefused(t *testing.T) {
	t.Parallel()
	d := newDeployment(t, sqliteBackend)
	d.configure = func(c *config.Serve) { c.OutboundAllow = "" } // production's default
	n := d.open(true)
	listener := newSink(t, nil)
	cases := map[string]string{
		listener.URL + "/hook":                        "a loopback address",
		"http://169.254.169.254/latest/meta-data/iam": "a link-local address",
		"http://10.1.2.3:8080/hook":                   "a private address",
	}
	hooks := map[string]string{}
	for endpoint := range cases {
		hooks[endpoint] = n.webhook(endpoint)
		n.onCreate(hooks[endpoint])
	}
	n.ticket("port scan")
	for endpoint, why := range cases {
		inv := settled(t, n, hooks[endpoint])
		requireFailed(t, inv, why)
		requireFailed(t, inv, "--outbound-allow")
	}
	if got := listener.got(); len(got) != 0 {
		t.Fatalf("the loopback listener got %v", got)
	}
}

// TestOutboundAllowAndURLEscaping: --outbound-allow lets the peer be reached, and
// an external_id of "1,2&x=y" arrives as one escaped ids value, not as three ids
// and a parameter.
func TestOutboundAllowAndURLEscaping(t *testing.T) {
	t.Parallel()
	peer := newSink(t, nil)
	d := newDeployment(t, sqliteBackend)
	d.configure = func(c *config.Serve) { c.OutboundAllow = peer.hostPort() }
	n := d.open(true)
	hook := n.webhook(peer.URL + "/api/v2/tickets/update_many.json?ids={{ticket.external_id}}")
	n.onCreate(hook)
	n.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{
		"subject": "forged stub", "external_id": "1,2&x=y", "comment": map[string]any{"body": "hi"}}}, nil)
	inv := settled(t, n, hook)
	if inv.State != "delivered" {
		t.Fatalf("delivery to the allowed peer: %q, error %v", inv.State, inv.Error)
	}
	want := []string{"/api/v2/tickets/update_many.json?ids=1%2C2%26x%3Dy"}
	if got := peer.got(); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("the peer got %v, want %v", got, want)
	}
}

// TestOutboundConfidential: on a confidential instance a URL whose host is
// computed by Liquid is refused on save, and an allowed host redirecting to
// another port of the same host name doesn't get the request (and its
// Authorization header) forwarded.
func TestOutboundConfidential(t *testing.T) {
	t.Parallel()
	other := newSink(t, nil)
	allowed := newSink(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	d := newDeployment(t, sqliteBackend)
	d.configure = func(c *config.Serve) {
		c.Confidential, c.WebhookHosts, c.OutboundAllow = true, allowed.hostPort(), ""
	}
	n := d.open(true)
	for _, endpoint := range []string{
		"http://" + allowed.hostPort() + `{{ "@` + other.hostPort() + `" }}/api/v2/tickets.json`,
		"http://" + allowed.hostPort() + "{{ticket.external_id}}/api/v2/tickets.json",
	} {
		var out map[string]any
		code, _ := n.do("POST", "/api/v2/webhooks", map[string]any{"webhook": map[string]any{
			"name": "computed host", "endpoint": endpoint, "http_method": "POST", "request_format": "json",
			"status": "active", "subscriptions": []string{"conditional_ticket_events"}}}, nil, &out)
		if code != http.StatusUnprocessableEntity || !strings.Contains(toJSON(t, out), "can't use placeholders") {
			t.Fatalf("save %s: %d %v, want 422 naming the computed host", endpoint, code, out)
		}
	}

	n.must(http.StatusCreated, "POST", "/api/v2/webhooks", map[string]any{"webhook": map[string]any{
		"name": "redirects", "endpoint": allowed.URL + "/api/v2/tickets.json", "http_method": "POST", "request_format": "json",
		"status": "active", "subscriptions": []string{"conditional_ticket_events"},
		"authentication": map[string]any{"type": "bearer_token", "data": map[string]string{"token": "peer-secret"}, "add_position": "header"}}}, nil)
	var hooks struct{ Webhooks []struct{ ID, Name string } }
	n.must(http.StatusOK, "GET", "/api/v2/webhooks", nil, &hooks)
	hook := hooks.Webhooks[0].ID
	n.onCreate(hook)
	n.ticket("redirected")
	inv := settled(t, n, hook)
	requireFailed(t, inv, "never follow redirects")
	if len(allowed.got()) != 1 {
		t.Fatalf("the allowed host got %v, want one request", allowed.got())
	}
	if got := other.got(); len(got) != 0 {
		t.Fatalf("the redirect was followed: the other listener got %v", got)
	}
}

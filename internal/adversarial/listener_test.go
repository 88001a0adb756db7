package adversarial

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// heard is one request a listener received.
type heard struct {
	method, path, authz string
	body                []byte
	webhook             bool // sent by a twindesk webhook
}

// listener is an HTTP server an attacker runs; it records what reaches it and
// answers 200, or redirects when to is set.
type listener struct {
	addr string
	srv  *httptest.Server

	mu  sync.Mutex
	got []heard
	to  string // redirect target URL
	// proxy, when set, forwards every request (a recording reverse proxy).
	proxy http.Handler
	// hang, when set, holds every request open until the client gives up or
	// the channel is closed: an endpoint that never answers.
	hang chan struct{}
}

// listen starts a listener on ip (a loopback address of its own, so an allow list
// of hosts can tell it from the instances on 127.0.0.1).
func listen(t *testing.T, ip string) *listener {
	l := &listener{}
	ln, err := net.Listen("tcp", ip+":0")
	require.NoError(t, err)
	l.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(l.serve)}}
	l.srv.Start()
	t.Cleanup(l.srv.Close)
	l.addr = ln.Addr().String()
	return l
}

func (l *listener) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	l.got = append(l.got, heard{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), body,
		r.Header.Get("X-Zendesk-Webhook-Id") != ""})
	to := l.to
	l.mu.Unlock()
	if l.hang != nil {
		select {
		case <-r.Context().Done():
		case <-l.hang:
		}
		return
	}
	if l.proxy != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		l.proxy.ServeHTTP(w, r)
		return
	}
	if to != "" {
		http.Redirect(w, r, to, http.StatusTemporaryRedirect)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ticket":{"id":1}}`)
}

// requests returns what reached the listener so far.
func (l *listener) requests() []heard {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]heard(nil), l.got...)
}

func (l *listener) url() string { return "http://" + l.addr }

// newListeners starts the attackers' listeners before the instances, whose
// allow lists name them.
func (r *rig) newListeners(t *testing.T) {
	r.itAllowed = listen(t, "127.0.0.1")
	r.itRefused = listen(t, "127.0.0.2")
	r.target = listen(t, "127.0.0.3")
	r.redirect = listen(t, "127.0.0.4")
	r.redirect.to = r.target.url() + "/stolen"
	r.secProxy = listen(t, "127.0.0.5")
	r.itHang = listen(t, "127.0.0.6")
	r.itHang.hang = make(chan struct{})
	t.Cleanup(func() { close(r.itHang.hang) }) // runs before the server's Close
}

// forwardTo makes l a reverse proxy to addr that records what passes: standard
// reaches secure through it, so the test sees the credential standard sends
// (as anyone on the path, or standard's admin with a debugger, would).
func (l *listener) forwardTo(addr string) {
	l.proxy = httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr})
}

// webhookCredentials returns the Authorization headers of the webhook requests
// (not the test's or setup's API calls) that reached l.
func (l *listener) webhookCredentials() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, h := range l.got {
		if h.authz != "" && h.webhook && !seen[h.authz] {
			seen[h.authz] = true
			out = append(out, h.authz)
		}
	}
	return out
}

package adversarial

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// heard is one request a listener received.
type heard struct {
	method, path, authz string
	body                []byte
}

// listener is an HTTP server an attacker runs; it records what reaches it and
// answers 200, or redirects when to is set.
type listener struct {
	addr string
	srv  *httptest.Server

	mu  sync.Mutex
	got []heard
	to  string // redirect target URL
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
	l.got = append(l.got, heard{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), body})
	to := l.to
	l.mu.Unlock()
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
}

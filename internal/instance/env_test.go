package instance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
)

// backend is a database an instance can run on.
type backend struct {
	name  string
	store func(t *testing.T) config.Store
}

var sqliteBackend = backend{name: "sqlite", store: func(t *testing.T) config.Store {
	return config.Store{DataDir: t.TempDir()}
}}

var postgresBackend = backend{name: "postgres", store: pgStore}

// backends lists SQLite and PostgreSQL; the PostgreSQL runs skip without
// TWINDESK_PG_URL and fail under CI (see pgtest).
func backends() []backend { return []backend{sqliteBackend, postgresBackend} }

// pgStore gives the test its own PostgreSQL database (skipped without
// TWINDESK_PG_URL, failed under CI), and a data directory for the secret key that
// seals stored credentials, so it survives the tests' restarts as the database does.
func pgStore(t *testing.T) config.Store {
	return config.Store{DatabaseURL: pgtest.URL(t), DataDir: t.TempDir()}
}

// testLog sends log lines to t.Log until the test ends (River logs from its own
// goroutines, which may outlive the test by a moment).
type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func newLogger(t *testing.T) *slog.Logger {
	l := &testLog{t: t}
	t.Cleanup(func() { l.mu.Lock(); l.done = true; l.mu.Unlock() })
	level := slog.LevelWarn
	if os.Getenv("TWINDESK_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: level}))
}

// node is one running (or merely opened) instance over a store.
type node struct {
	t     *testing.T
	In    *instance.Instance
	URL   string // base URL of the API
	stop  func()
	admin model.User
	token string
}

// deployment is a store plus the admin credentials that survive restarts.
type deployment struct {
	t     *testing.T
	store config.Store
	log   *slog.Logger
	admin model.User
	token string
	// configure, when set, adjusts each instance's configuration before it opens.
	configure func(*config.Serve)
}

func newDeployment(t *testing.T, b backend) *deployment {
	return &deployment{t: t, store: b.store(t), log: newLogger(t)}
}

// open opens an instance on a fresh loopback listener; with serve it also runs
// Serve (API and job queue), otherwise only the API handler is served, so writes
// commit deliveries that nobody works yet.
func (d *deployment) open(serve bool) *node {
	t := d.t
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The receivers these tests deliver to listen on loopback, which is refused unless allowed.
	cfg := config.Serve{Store: d.store, Addr: ln.Addr().String(), LogLevel: "info", ShutdownTimeout: 5 * time.Second,
		OutboundAllow: "127.0.0.0/8,::1"}
	if d.configure != nil {
		d.configure(&cfg)
	}
	ctx := context.Background()
	in, err := instance.Open(ctx, cfg, d.log)
	if err != nil {
		t.Fatalf("open instance: %v", err)
	}
	if d.token == "" {
		name, email, role := "Admin", "admin@example.com", "admin"
		if d.admin, err = in.Desk.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &role}); err != nil {
			t.Fatal(err)
		}
		if d.token, err = in.Desk.CreateToken(ctx, email); err != nil {
			t.Fatal(err)
		}
	}
	n := &node{t: t, In: in, URL: "http://" + ln.Addr().String(), admin: d.admin, token: d.token}
	serveCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	if serve {
		go func() { done <- in.Serve(serveCtx, ln) }()
	} else {
		srv := &http.Server{Handler: in.Handler()}
		go func() { _ = srv.Serve(ln); done <- nil }()
		go func() { <-serveCtx.Done(); _ = srv.Close() }()
	}
	var once sync.Once
	n.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			if err := in.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(n.stop)
	return n
}

// do sends an authenticated API request and decodes a JSON answer into out (when
// not nil). It returns the status and headers.
func (n *node) do(method, path string, body any, hdr http.Header, out any) (int, http.Header) {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			n.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, n.URL+path, rd)
	if err != nil {
		n.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+n.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	if resp.StatusCode >= 300 && out == nil {
		n.t.Logf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header
}

// must is do that fails the test unless the status is want.
func (n *node) must(want int, method, path string, body, out any) {
	n.t.Helper()
	var raw json.RawMessage
	status, _ := n.do(method, path, body, nil, &raw)
	if status != want {
		n.t.Fatalf("%s %s: got %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatal(err)
		}
	}
}

// webhook creates an active JSON POST webhook to endpoint and returns its id.
func (n *node) webhook(endpoint string) string {
	var out struct{ Webhook struct{ ID string } }
	n.must(http.StatusCreated, "POST", "/api/v2/webhooks", map[string]any{"webhook": map[string]any{
		"name": "receiver", "endpoint": endpoint, "http_method": "POST", "request_format": "json", "status": "active",
		"subscriptions": []string{"conditional_ticket_events"}}}, &out)
	return out.Webhook.ID
}

// onCreate creates a trigger firing on ticket creation that notifies each webhook
// in turn with a body naming the step, and returns its id.
func (n *node) onCreate(webhookIDs ...string) int64 {
	actions := []map[string]any{}
	for i, id := range webhookIDs {
		body := fmt.Sprintf(`{"step": %d, "ticket_id": "{{ticket.id}}", "subject": "{{ticket.title}}"}`, i+1)
		actions = append(actions, map[string]any{"field": "notification_webhook", "value": []string{id, body}})
	}
	var out struct{ Trigger struct{ ID int64 } }
	n.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": "notify on create", "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": actions}}, &out)
	return out.Trigger.ID
}

// ticket creates a ticket and returns its id.
func (n *node) ticket(subject string) int64 {
	var out struct{ Ticket struct{ ID int64 } }
	n.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{
		"subject": subject, "comment": map[string]any{"body": "body of " + subject}}}, &out)
	return out.Ticket.ID
}

// invocation is one row of a webhook's delivery log.
type invocation struct {
	ID         string  `json:"id"`
	State      string  `json:"latest_completion_status"`
	StatusCode int     `json:"status_code"`
	Attempts   int     `json:"attempts"`
	Error      *string `json:"error"`
	TicketID   int64   `json:"ticket_id"`
	ChainID    string  `json:"chain_id"`
	Step       int     `json:"step"`
}

func (n *node) invocations(webhookID string) []invocation {
	var out struct{ Invocations []invocation }
	n.must(http.StatusOK, "GET", "/api/v2/webhooks/"+webhookID+"/invocations", nil, &out)
	return out.Invocations
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// received is one request that reached the receiver.
type received struct {
	At     time.Time
	Header http.Header
	Body   []byte
	Status int // what the receiver answered
}

// receiver is an HTTP endpoint under the test's control. answer picks the status
// for the n-th request (from 1) of a given body; by default 200.
type receiver struct {
	mu     sync.Mutex
	reqs   []received
	answer func(n int, body []byte) int
	// slow, when set, runs before each answer (outside the lock).
	slow func()
	srv  *http.Server
	addr string
}

func newReceiver(t *testing.T) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{addr: ln.Addr().String()}
	r.serve(ln)
	t.Cleanup(r.down)
	return r
}

func (r *receiver) URL() string { return "http://" + r.addr + "/hook" }

func (r *receiver) serve(ln net.Listener) {
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := 1
		for _, x := range r.reqs {
			if bytes.Equal(x.Body, body) {
				n++
			}
		}
		status := http.StatusOK
		if r.answer != nil {
			status = r.answer(n, body)
		}
		slow := r.slow
		r.mu.Unlock()
		if slow != nil {
			slow()
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, received{At: time.Now(), Header: req.Header.Clone(), Body: body, Status: status})
		r.mu.Unlock()
		w.WriteHeader(status)
	})}
	go func() { _ = r.srv.Serve(ln) }()
}

// down closes the listener: connections are refused until up.
func (r *receiver) down() { _ = r.srv.Close() }

// up listens again on the same port.
func (r *receiver) up(t *testing.T) {
	var ln net.Listener
	var err error
	for range 50 { // the port may linger for a moment after Close
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("reopen receiver on %s: %v", r.addr, err)
	}
	r.serve(ln)
}

func (r *receiver) setAnswer(f func(n int, body []byte) int) {
	r.mu.Lock()
	r.answer = f
	r.mu.Unlock()
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// ok returns the requests answered with 2xx.
func (r *receiver) ok() []received {
	var out []received
	for _, x := range r.all() {
		if x.Status < 300 {
			out = append(out, x)
		}
	}
	return out
}

// step reads the "step" of a body made by onCreate.
func step(t *testing.T, body []byte) int {
	var b struct{ Step int }
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("receiver got invalid JSON %q: %v", body, err)
	}
	return b.Step
}

func ticketOf(t *testing.T, body []byte) string {
	var b struct {
		TicketID string `json:"ticket_id"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("receiver got invalid JSON %q: %v", body, err)
	}
	return b.TicketID
}

func toJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dig walks nested JSON objects by key.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func itoa(n int64) string { return fmt.Sprint(n) }

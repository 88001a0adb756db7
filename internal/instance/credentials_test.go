package instance_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
)

// These tests play issue 16's first attack: an IT admin who wants the credentials
// standard stores for calling secure. They look in the data directory, in the API,
// and point a webhook (and a target) at a listener of their own.

func canary(label string) string { return label + "-canary-" + rand.Text()[:12] }

// hookWithAuth creates a webhook to endpoint with authentication and returns its id.
func (n *node) hookWithAuth(name, endpoint, typ string, data map[string]string) string {
	n.t.Helper()
	var out struct{ Webhook struct{ ID string } }
	n.must(http.StatusCreated, "POST", "/api/v2/webhooks", map[string]any{"webhook": map[string]any{
		"name": name, "endpoint": endpoint, "http_method": "POST", "request_format": "json", "status": "active",
		"subscriptions":  []string{"conditional_ticket_events"},
		"authentication": map[string]any{"type": typ, "data": data, "add_position": "header"}}}, &out)
	return out.Webhook.ID
}

// target creates a legacy HTTP target with basic auth and returns its id.
func (n *node) target(url, user, password string) int64 {
	n.t.Helper()
	var out struct{ Target struct{ ID int64 } }
	n.must(http.StatusCreated, "POST", "/api/v2/targets", map[string]any{"target": map[string]any{
		"type": "http_target", "title": "legacy", "target_url": url, "method": "post",
		"content_type": "application/json", "username": user, "password": password}}, &out)
	return out.Target.ID
}

// notifyOnCreate creates a trigger that, on ticket creation, notifies each
// webhook and then each target.
func (n *node) notifyOnCreate(hooks []string, targets []int64) {
	n.t.Helper()
	var actions []map[string]any
	for _, id := range hooks {
		actions = append(actions, map[string]any{"field": "notification_webhook", "value": []any{id, `{"t": "{{ticket.id}}"}`}})
	}
	for _, id := range targets {
		actions = append(actions, map[string]any{"field": "notification_target", "value": []any{id, `{"t": "{{ticket.id}}"}`}})
	}
	n.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": "notify", "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": actions}}, nil)
}

// raw GETs path and returns the body, failing unless 200.
func (n *node) raw(path string) string {
	n.t.Helper()
	var out json.RawMessage
	n.must(http.StatusOK, "GET", path, nil, &out)
	return string(out)
}

func (n *node) signingSecret(id string) string {
	n.t.Helper()
	var out struct {
		SigningSecret struct{ Secret string } `json:"signing_secret"`
	}
	n.must(http.StatusOK, "GET", "/api/v2/webhooks/"+id+"/signing_secret", nil, &out)
	if out.SigningSecret.Secret == "" {
		n.t.Fatal("empty signing secret")
	}
	return out.SigningSecret.Secret
}

// scanDir fails if any file under dir holds any of the secrets' bytes.
func scanDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the secret %q", path, s)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("scan %s: %d files, %v", dir, files, err)
	}
}

func authHeader(r received) string { return r.Header.Get("Authorization") }

func TestCredentialsSealedAtRestAndNeverShown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		d := newDeployment(t, b)
		n := d.open(true)
		rcv := newReceiver(t)
		pw, token, key, tpw := canary("password"), canary("token"), canary("apikey"), canary("targetpw")
		hooks := []string{
			n.hookWithAuth("basic", rcv.URL(), "basic_auth", map[string]string{"username": "peer@secure.example", "password": pw}),
			n.hookWithAuth("bearer", rcv.URL(), "bearer_token", map[string]string{"token": token}),
			n.hookWithAuth("apikey", rcv.URL(), "api_key", map[string]string{"name": "X-Api-Key", "value": key}),
		}
		tg := n.target(rcv.URL(), "legacy-user", tpw)
		secrets := []string{pw, token, key, tpw}

		// The API never shows them: not on the webhooks, not on the target.
		shown := n.raw("/api/v2/webhooks") + n.raw("/api/v2/targets") + n.raw("/api/v2/targets/"+itoa(tg))
		for _, id := range hooks {
			shown += n.raw("/api/v2/webhooks/" + id)
		}
		for _, s := range secrets {
			if strings.Contains(shown, s) {
				t.Errorf("the API shows the secret %q", s)
			}
		}
		if !strings.Contains(shown, "peer@secure.example") || !strings.Contains(shown, "X-Api-Key") {
			t.Errorf("the API hides the user name or the API key's header name too: %s", shown)
		}
		// Stored sealed (on either backend), signing secrets included.
		for _, id := range hooks {
			w, err := n.In.DB.Read().Webhook(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range w.AuthData {
				if k != "username" && k != "name" && !secretbox.IsSealed(v) {
					t.Errorf("webhook %s: %s stored as %q, want sealed", w.Name, k, v)
				}
			}
			if !secretbox.IsSealed(w.SigningSecret) {
				t.Errorf("webhook %s: signing secret stored as %q, want sealed", w.Name, w.SigningSecret)
			}
			secrets = append(secrets, n.signingSecret(id))
		}

		// The deliveries carry them: the worker opens what the store keeps sealed.
		n.notifyOnCreate(hooks, []int64{tg})
		n.ticket("credentials")
		waitFor(t, 15*time.Second, "four deliveries", func() bool { return len(rcv.ok()) == 4 })
		got := map[string]bool{}
		for _, r := range rcv.ok() {
			got[authHeader(r)+"|"+r.Header.Get("X-Api-Key")] = true
		}
		for _, want := range []string{basic("peer@secure.example", pw) + "|", "Bearer " + token + "|", "|" + key, basic("legacy-user", tpw) + "|"} {
			if !got[want] {
				t.Errorf("no delivery carried %q; got %v", want, got)
			}
		}

		if b.name != "sqlite" {
			return
		}
		scanDir(t, d.store.DataDir, secrets...)
		n.stop()
		scanDir(t, d.store.DataDir, secrets...)
	})
}

func basic(user, pass string) string {
	r, _ := http.NewRequest("GET", "http://x", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

func TestCredentialsDroppedWhenEndpointMoves(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		n := newDeployment(t, b).open(true)
		peer, listener := newReceiver(t), newReceiver(t) // the secure instance, the IT admin's own
		pw, tpw := canary("password"), canary("targetpw")
		hook := n.hookWithAuth("Escalation: update secure ticket", peer.URL(), "basic_auth",
			map[string]string{"username": "peer@secure.example", "password": pw})
		other := n.hookWithAuth("other", peer.URL(), "bearer_token", map[string]string{"token": canary("token")})
		tg := n.target(peer.URL(), "legacy-user", tpw)
		n.notifyOnCreate([]string{hook, other}, []int64{tg})

		// A change on the same host keeps the credentials.
		n.must(http.StatusNoContent, "PATCH", "/api/v2/webhooks/"+hook, map[string]any{"webhook": map[string]any{
			"name": "renamed", "endpoint": peer.URL() + "?same=host"}}, nil)
		n.ticket("before the move")
		waitFor(t, 15*time.Second, "three deliveries to the peer", func() bool { return len(peer.ok()) == 3 })
		for _, r := range peer.ok() {
			if authHeader(r) == "" {
				t.Errorf("a delivery to the peer lost its credentials after a same-host change: %s", r.Body)
			}
		}
		secret := n.signingSecret(hook)

		// The IT admin points the webhook and the target at their own listener,
		// giving no authentication: the stored credentials are dropped.
		n.must(http.StatusNoContent, "PATCH", "/api/v2/webhooks/"+hook, map[string]any{"webhook": map[string]any{
			"endpoint": listener.URL()}}, nil)
		n.must(http.StatusOK, "PUT", "/api/v2/targets/"+itoa(tg), map[string]any{"target": map[string]any{
			"target_url": listener.URL()}}, nil)
		// Moving another webhook with new authentication keeps the new one only.
		n.must(http.StatusNoContent, "PUT", "/api/v2/webhooks/"+other, map[string]any{"webhook": map[string]any{
			"endpoint": listener.URL(), "authentication": map[string]any{"type": "bearer_token", "data": map[string]string{"token": "given-with-the-move"}}}}, nil)

		var shown struct{ Webhook map[string]any }
		n.must(http.StatusOK, "GET", "/api/v2/webhooks/"+hook, nil, &shown)
		if a, ok := shown.Webhook["authentication"]; ok {
			t.Errorf("moved webhook still has authentication %v", a)
		}
		if n.signingSecret(hook) == secret {
			t.Error("moved webhook kept its signing secret")
		}
		n.ticket("after the move")
		waitFor(t, 15*time.Second, "three deliveries to the listener", func() bool { return len(listener.ok()) == 3 })
		for _, r := range listener.ok() {
			if a := authHeader(r); a != "" && a != "Bearer given-with-the-move" {
				t.Errorf("the listener received Authorization %q", a)
			}
		}
		if got := strings.Count(fmt.Sprint(headers(listener.ok())), "Bearer given-with-the-move"); got != 1 {
			t.Errorf("the credentials given with a move reached the listener %d times, want 1", got)
		}
		if len(peer.all()) != 3 {
			t.Errorf("the peer got %d requests, want 3 (none after the move)", len(peer.all()))
		}
	})
}

func headers(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, authHeader(r))
	}
	return out
}

// syncBuffer collects log lines from every goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An operator restores the data directory with another key: the start says so,
// deliveries fail with a log line (no panic, no request without its
// credentials), and entering the credentials again heals the webhook.
func TestWrongSecretKeyFailsClearly(t *testing.T) {
	t.Parallel()
	d := newDeployment(t, sqliteBackend)
	var logs syncBuffer
	d.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rcv := newReceiver(t)
	n := d.open(true)
	hook := n.hookWithAuth("peer", rcv.URL(), "basic_auth", map[string]string{"username": "peer", "password": canary("pw")})
	n.notifyOnCreate([]string{hook}, nil)
	n.stop()

	keyFile := filepath.Join(d.store.DataDir, secretbox.DefaultKeyFile)
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if err := secretbox.GenerateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	n = d.open(true)
	if !strings.Contains(logs.String(), "sealed with another secret key") {
		t.Errorf("start with another key: no error line; logs:\n%s", logs.String())
	}
	n.ticket("wrong key")
	waitFor(t, 15*time.Second, "the delivery to fail", func() bool {
		inv := n.invocations(hook)
		return len(inv) == 1 && inv[0].State == "failed"
	})
	if inv := n.invocations(hook); inv[0].Error == nil || !strings.Contains(*inv[0].Error, "another key") {
		t.Errorf("invocation error %v, want one naming another key", inv[0].Error)
	}
	// The line follows the commit that marks the delivery failed.
	waitFor(t, 5*time.Second, "a 'delivery failed' log line", func() bool { return strings.Contains(logs.String(), "delivery failed") })
	if len(rcv.all()) != 0 {
		t.Errorf("the receiver got %d requests, want none", len(rcv.all()))
	}

	n.must(http.StatusNoContent, "PUT", "/api/v2/webhooks/"+hook, map[string]any{"webhook": map[string]any{
		"authentication": map[string]any{"type": "basic_auth", "data": map[string]string{"username": "peer", "password": "new"}}}}, nil)
	n.ticket("credentials entered again")
	waitFor(t, 15*time.Second, "a delivery with the new credentials", func() bool { return len(rcv.ok()) == 1 })
	if got := authHeader(rcv.ok()[0]); got != basic("peer", "new") {
		t.Errorf("Authorization %q, want the new credentials", got)
	}
}

// Rows written before sealing existed hold plaintext: they keep working, and the
// next start seals them.
func TestPlaintextCredentialsSealedAtStart(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		d := newDeployment(t, b)
		n := d.open(true)
		rcv := newReceiver(t)
		ctx := context.Background()
		pw, tpw := canary("legacy"), canary("legacytarget")
		hook := model.Webhook{ID: ulid.Make().String(), Name: "legacy", Endpoint: rcv.URL(), HTTPMethod: "POST",
			RequestFormat: "json", Status: "active", AuthType: "basic_auth",
			AuthData: map[string]string{"username": "old", "password": pw}, SigningSecret: "legacy-signing-secret"}
		tg := model.Target{Type: "http_target", Title: "legacy", Active: true, TargetURL: rcv.URL(), Method: "post",
			ContentType: "application/json", Username: "oldt", Password: tpw}
		err := n.In.DB.WriteTx(ctx, func(tx *store.Tx) error {
			if err := tx.SaveWebhook(ctx, &hook, true); err != nil {
				return err
			}
			var err error
			tg.ID, err = tx.SaveTarget(ctx, &tg)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		n.notifyOnCreate([]string{hook.ID}, []int64{tg.ID})
		n.ticket("plaintext row")
		waitFor(t, 15*time.Second, "two deliveries", func() bool { return len(rcv.ok()) == 2 })
		n.stop()

		n = d.open(true)
		w, err := n.In.DB.Read().Webhook(ctx, hook.ID)
		if err != nil {
			t.Fatal(err)
		}
		storedT, err := n.In.DB.Read().Target(ctx, tg.ID)
		if err != nil {
			t.Fatal(err)
		}
		for what, v := range map[string]string{"password": w.AuthData["password"], "signing secret": w.SigningSecret, "target password": storedT.Password} {
			if !secretbox.IsSealed(v) {
				t.Errorf("%s stored as %q after a restart, want sealed", what, v)
			}
		}
		if got := n.signingSecret(hook.ID); got != "legacy-signing-secret" {
			t.Errorf("signing secret %q after sealing, want the legacy one", got)
		}
		n.ticket("sealed row")
		waitFor(t, 15*time.Second, "two more deliveries", func() bool { return len(rcv.ok()) == 4 })
		for _, r := range rcv.ok() {
			if a := authHeader(r); a != basic("old", pw) && a != basic("oldt", tpw) {
				t.Errorf("Authorization %q, want the legacy credentials", a)
			}
		}
	})
}

// The origin a template names is the part before any placeholder; one whose
// rendered URL reaches another origin (here a port the placeholder extends, as
// "http://peer.example{{ '.evil.example' }}/" would a host) gets no credential: the
// delivery fails, saying why. Credentials written into the URL are refused.
func TestCredentialsOnlyGoToTheTemplatesOrigin(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(true)
	listener := newReceiver(t)
	_, port, _ := strings.Cut(listener.addr, ":")
	endpoint := "http://127.0.0.1:" + port[:1] + "{{ '" + port[1:] + "' }}/hook"
	hook := n.hookWithAuth("extended", endpoint, "bearer_token", map[string]string{"token": canary("token")})
	n.notifyOnCreate([]string{hook}, nil)
	n.ticket("extended port")
	waitFor(t, 15*time.Second, "the delivery to fail", func() bool {
		inv := n.invocations(hook)
		return len(inv) == 1 && inv[0].State == "failed"
	})
	if inv := n.invocations(hook); inv[0].Error == nil || !strings.Contains(*inv[0].Error, "leaves the endpoint's host") {
		t.Errorf("invocation error %v, want one saying the URL leaves the endpoint's host", inv[0].Error)
	}
	if len(listener.all()) != 0 {
		t.Errorf("the listener got %d requests, want none", len(listener.all()))
	}

	for _, body := range []map[string]any{
		{"webhook": map[string]any{"name": "in url", "endpoint": "http://peer:" + canary("pw") + "@127.0.0.1:9/x", "http_method": "POST"}},
		{"target": map[string]any{"title": "in url", "target_url": "http://peer:" + canary("pw") + "@127.0.0.1:9/x", "method": "post"}},
	} {
		path := "/api/v2/webhooks"
		if _, ok := body["target"]; ok {
			path = "/api/v2/targets"
		}
		var out json.RawMessage
		if status, _ := n.do("POST", path, body, nil, &out); status != http.StatusUnprocessableEntity || !strings.Contains(string(out), "not in the URL") {
			t.Errorf("POST %s with credentials in the URL: %d %s, want 422", path, status, out)
		}
	}
}

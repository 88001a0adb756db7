// Package webhook makes the outbound HTTP requests of trigger notifications: it
// signs them like Zendesk, authenticates them, sends them with a timeout and
// classifies the answer as delivered, retryable or failed.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
)

// Timeout bounds one attempt, as Zendesk's webhooks do.
const Timeout = 10 * time.Second

// StreamTimeout bounds a request whose body is a Stream (a file of an escalated
// ticket): the job's own deadline (jobs' forwardTimeout) bounds it too.
const StreamTimeout = 45 * time.Second

// Request is one fully resolved outbound call.
type Request struct {
	DeliveryID string
	Method     string
	URL        string
	Body       string
	// ContentType defaults to application/json.
	ContentType string
	// WebhookID and SigningSecret are set for webhooks (not legacy targets).
	WebhookID     string
	SigningSecret string
	AuthType      string
	AuthData      map[string]string
	Headers       map[string]string
	// Stream, when set, is the body instead of Body, sent as read (a file of an
	// escalated ticket) and never signed.
	Stream io.Reader
	// KeepAnswer keeps up to 64 KiB of the answer in Outcome.Answer.
	KeepAnswer bool
}

// Outcome is what one attempt produced.
type Outcome struct {
	StatusCode int
	Latency    time.Duration
	// Err describes a failure (network error or non-2xx answer); nil on success.
	Err error
	// Retryable is set for failures worth retrying: network errors, 408, 409, 429, 5xx.
	Retryable bool
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Answer is the start of the answer's body, when the request asked for it.
	Answer []byte
}

// Delivered reports whether the endpoint accepted the request.
func (o Outcome) Delivered() bool { return o.Err == nil }

// Sender sends requests with one shared HTTP client, through an outbound Policy.
type Sender struct {
	policy *Policy
	client *http.Client
	// streams is client with StreamTimeout, sharing its transport.
	streams *http.Client
	now     func() time.Time
}

// NewSender returns a Sender enforcing p. A nil p is the strictest policy: public
// addresses only, no allowlist.
func NewSender(p *Policy) *Sender {
	if p == nil {
		p, _ = NewPolicy(PolicyConfig{}) // nothing to parse: never fails
	}
	c := p.Client()
	streams := *c
	streams.Timeout = StreamTimeout
	return &Sender{policy: p, client: c, streams: &streams, now: time.Now}
}

// Sign computes Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp+body)).
func Sign(secret, timestamp, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send makes one attempt.
func (s *Sender) Send(ctx context.Context, r Request) Outcome {
	req, err := s.build(ctx, r)
	if err != nil {
		return Outcome{Err: err} // a malformed or refused URL won't get better by retrying
	}
	start := time.Now()
	client := s.client
	if r.Stream != nil {
		client = s.streams
	}
	resp, err := client.Do(req)
	latency := time.Since(start)
	if err != nil {
		var refused *RefusedError
		if errors.As(err, &refused) {
			return Outcome{Latency: latency, Err: refused}
		}
		return Outcome{Latency: latency, Err: fmt.Errorf("webhook: %s %s: %w", r.Method, redact(r.URL), err), Retryable: true}
	}
	defer resp.Body.Close()
	o := Outcome{StatusCode: resp.StatusCode, Latency: latency}
	if r.KeepAnswer {
		o.Answer, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return o
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// Never retried: the endpoint will redirect again, and following it could
		// carry the credentials off the allowlist.
		o.Err = fmt.Errorf("webhook: %s %s answered %d, a redirect: webhooks never follow redirects, point the endpoint at the final URL",
			r.Method, redact(r.URL), resp.StatusCode)
		return o
	}
	o.Err = fmt.Errorf("webhook: %s %s answered %d", r.Method, redact(r.URL), resp.StatusCode)
	o.Retryable = retryableStatus(resp.StatusCode)
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		o.RetryAfter = time.Duration(secs) * time.Second
	}
	return o
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict || code == http.StatusTooManyRequests || code >= 500
}

func (s *Sender) build(ctx context.Context, r Request) (*http.Request, error) {
	method := strings.ToUpper(r.Method)
	var body io.Reader
	hasBody := method != http.MethodGet && method != http.MethodDelete && r.Body != ""
	if hasBody {
		body = strings.NewReader(r.Body)
	}
	if r.Stream != nil {
		body, hasBody = r.Stream, true
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		return nil, fmt.Errorf("webhook: bad request for %s: %w", redact(r.URL), err)
	}
	if err := s.policy.CheckURL(req.URL); err != nil {
		return nil, err
	}
	ct := r.ContentType
	if ct == "" {
		ct = "application/json"
	}
	if hasBody {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("User-Agent", "twindesk-webhook/1")
	req.Header.Set("Idempotency-Key", r.DeliveryID)
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	if r.WebhookID != "" {
		stamp := s.now().UTC().Format("2006-01-02T15:04:05Z")
		signed := ""
		if hasBody {
			signed = r.Body
		}
		req.Header.Set("X-Zendesk-Webhook-Id", r.WebhookID)
		req.Header.Set("X-Zendesk-Webhook-Invocation-Id", r.DeliveryID)
		req.Header.Set("X-Zendesk-Webhook-Signature-Timestamp", stamp)
		req.Header.Set("X-Zendesk-Webhook-Signature", Sign(r.SigningSecret, stamp, signed))
	}
	authenticate(req, r.AuthType, r.AuthData)
	return req, nil
}

func authenticate(req *http.Request, typ string, data map[string]string) {
	switch typ {
	case "basic_auth":
		req.SetBasicAuth(data["username"], data["password"])
	case "bearer_token":
		req.Header.Set("Authorization", "Bearer "+data["token"])
	case "api_key":
		req.Header.Set(data["name"], data["value"])
	}
}

// redact drops credentials and the query from a URL before it reaches a log.
func redact(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if at := strings.Index(raw, "@"); at >= 0 {
		if scheme := strings.Index(raw, "://"); scheme >= 0 && scheme < at {
			raw = raw[:scheme+3] + raw[at+1:]
		}
	}
	return raw
}

// FromWebhook builds the request for a webhook delivery.
func FromWebhook(w *model.Webhook, d *model.Delivery) Request {
	return Request{DeliveryID: d.ID, Method: d.Method, URL: d.URL, Body: d.Body, WebhookID: w.ID,
		SigningSecret: w.SigningSecret, AuthType: w.AuthType, AuthData: w.AuthData, Headers: w.CustomHeaders}
}

// FromTarget builds the request for a legacy HTTP target delivery.
func FromTarget(t *model.Target, d *model.Delivery) Request {
	r := Request{DeliveryID: d.ID, Method: d.Method, URL: d.URL, Body: d.Body, ContentType: t.ContentType}
	if t.Username != "" {
		r.AuthType, r.AuthData = "basic_auth", map[string]string{"username": t.Username, "password": t.Password}
	}
	return r
}

// HostPort is u's host with its port, filling in the scheme's default (80 for
// http, 443 for https) when the URL names none.
func HostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

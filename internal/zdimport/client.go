package zdimport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// client speaks Zendesk's REST API v2 to one account (the Zendesk source, or the
// twindesk target) with an API token, and keeps to its rate limits: a 429 or 503
// pauses every request of this client for Retry-After, and an
// X-Rate-Limit-Remaining of 0 pauses them until the window resets.
type client struct {
	base  *url.URL // https://acme.zendesk.com
	email string
	token string
	http  *http.Client

	mu         sync.Mutex
	pauseUntil time.Time
	throttled  time.Duration // total time spent waiting for the rate limit
}

// maxAttempts bounds the retries of one request (rate limit, 5xx, network).
const maxAttempts = 8

func newClient(rawURL, email, token string, hc *http.Client) (*client, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("zdimport: %q is not a URL like https://acme.zendesk.com", rawURL)
	}
	if email == "" || token == "" {
		return nil, fmt.Errorf("zdimport: %s needs an email and an API token", u.Host)
	}
	return &client{base: u, email: email, token: token, http: hc}, nil
}

// apiError is a non-2xx answer.
type apiError struct {
	Method, URL string
	Status      int
	Body        string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, strings.TrimSpace(e.Body))
}

func statusOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// url makes path ("/api/v2/users.json?x=1") absolute; full URLs (pagination
// links) are used as they are.
func (c *client) url(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return c.base.String() + path
}

// getJSON decodes the answer of a GET into out.
func (c *client) getJSON(ctx context.Context, path string, out any) error {
	return c.doJSON(ctx, http.MethodGet, path, nil, out)
}

// doJSON sends in (nil for none) as JSON and decodes the answer into out (nil to drop it).
func (c *client) doJSON(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("zdimport: encode %s %s: %w", method, path, err)
		}
	}
	res, err := c.do(ctx, method, path, "application/json", body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(res, out); err != nil {
		return fmt.Errorf("zdimport: decode %s %s: %w", method, path, err)
	}
	return nil
}

// do sends one request, retrying rate limits, 5xx answers and network errors
// with backoff; it answers the body of a 2xx.
func (c *client) do(ctx context.Context, method, path, contentType string, body []byte) ([]byte, error) {
	target := c.url(path)
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if err := c.waitTurn(ctx); err != nil {
			return nil, err
		}
		status, out, hdr, err := c.once(ctx, method, target, contentType, body)
		if err == nil && status/100 == 2 {
			c.noteRemaining(hdr)
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		retry := err != nil || status == http.StatusTooManyRequests || status >= 500
		if !retry || attempt == maxAttempts {
			if err != nil {
				return nil, fmt.Errorf("zdimport: %s %s: %w", method, target, err)
			}
			return nil, &apiError{Method: method, URL: target, Status: status, Body: string(out)}
		}
		wait := backoff
		if ra := retryAfter(hdr); ra > 0 {
			wait = ra
		} else {
			backoff = min(2*backoff, 30*time.Second)
		}
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			c.pause(wait) // the limit is the account's: every worker waits
		} else if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (c *client) once(ctx context.Context, method, target, contentType string, body []byte) (int, []byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	// Credentials go only to the account's own host: attachment content_urls may
	// point elsewhere (Zendesk's file host), and a redirect drops them (net/http).
	if req.URL.Host == c.base.Host {
		req.SetBasicAuth(c.email+"/token", c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return res.StatusCode, out, res.Header, nil
}

// retryAfter reads Retry-After in seconds (Zendesk's form), 0 when absent.
func retryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	if n, err := strconv.ParseFloat(h.Get("Retry-After"), 64); err == nil && n >= 0 {
		return time.Duration(n*1000) * time.Millisecond
	}
	return 0
}

// noteRemaining pauses the client until the window resets when the account's
// budget is spent (X-Rate-Limit-Remaining or ratelimit-remaining of 0), instead
// of spending a request on a sure 429.
func (c *client) noteRemaining(h http.Header) {
	left := h.Get("X-Rate-Limit-Remaining")
	if left == "" {
		left = h.Get("ratelimit-remaining")
	}
	if left != "0" {
		return
	}
	reset, err := strconv.Atoi(h.Get("ratelimit-reset"))
	if err != nil || reset <= 0 {
		reset = 1
	}
	c.pause(time.Duration(reset) * time.Second)
}

func (c *client) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if until := time.Now().Add(d); until.After(c.pauseUntil) {
		c.pauseUntil = until
	}
}

func (c *client) waitTurn(ctx context.Context) error {
	c.mu.Lock()
	d := time.Until(c.pauseUntil)
	if d > 0 {
		c.throttled += d
	}
	c.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return sleep(ctx, d)
}

func (c *client) throttledFor() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.throttled
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// page is the pagination part of a Zendesk list: cursor (meta/links) or offset
// (next_page).
type page struct {
	Meta struct {
		HasMore bool `json:"has_more"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	NextPage *string `json:"next_page"`
}

func (p *page) next() string {
	if p.Links.Next != nil && p.Meta.HasMore {
		return *p.Links.Next
	}
	if p.NextPage != nil {
		return *p.NextPage
	}
	return ""
}

// each walks every page of a list from path (cursor pagination, 100 a page),
// handing each record of key to fn as raw JSON.
func (c *client) each(ctx context.Context, path, key string, fn func(json.RawMessage) error) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	next := path + sep + "page[size]=100"
	for next != "" {
		var raw map[string]json.RawMessage
		if err := c.getJSON(ctx, next, &raw); err != nil {
			return err
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw[key], &items); err != nil {
			return fmt.Errorf("zdimport: %s: no %q list: %w", next, key, err)
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		var p page
		_ = json.Unmarshal(raw["meta"], &p.Meta)
		_ = json.Unmarshal(raw["links"], &p.Links)
		_ = json.Unmarshal(raw["next_page"], &p.NextPage)
		next = p.next()
	}
	return nil
}

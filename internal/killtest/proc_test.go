//go:build processtests

package killtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// client is a JSON client for one user of one instance. Its methods return errors
// instead of failing the test, so the driver and killer goroutines can use them.
type client struct {
	base  string
	email string
	token string
	http  *http.Client
}

func newClient(base, email, token string) *client {
	return &client{base: base, email: email, token: token, http: &http.Client{Timeout: 15 * time.Second}}
}

// call sends one request; code is 0 when no answer came (connection refused or
// reset: the instance is down).
func (c *client) call(ctx context.Context, method, path string, in any, header map[string]string) (int, map[string]any, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v2"+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.SetBasicAuth(c.email+"/token", c.token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, nil
}

// errGiveUp ends a retry loop: the answer was final and not the one wanted.
var errGiveUp = errors.New("unexpected answer")

// retry repeats a request while the instance is down or answers 5xx/429, until
// done accepts the status code or limit passes. Requests that create must carry an
// Idempotency-Key, since an attempt cut off by a kill may have committed.
func (c *client) retry(ctx context.Context, limit time.Duration, method, path string, in any, header map[string]string, done func(int) bool) (int, map[string]any, error) {
	deadline := time.Now().Add(limit)
	var lastErr error
	for time.Now().Before(deadline) {
		code, out, err := c.call(ctx, method, path, in, header)
		switch {
		case err == nil && done(code):
			return code, out, nil
		case err == nil && code != http.StatusTooManyRequests && code < 500:
			return code, out, fmt.Errorf("%s %s: %w %d %v", method, path, errGiveUp, code, out)
		case err != nil:
			lastErr = err
		default:
			lastErr = fmt.Errorf("%s %s: %d %v", method, path, code, out)
		}
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return 0, nil, fmt.Errorf("%s %s: no success within %s: %v", method, path, limit, lastErr)
}

// must is a request from the test goroutine that must succeed first time.
func (c *client) must(t *testing.T, method, path string, in any) map[string]any {
	t.Helper()
	code, out, err := c.retry(context.Background(), time.Minute, method, path, in, nil, func(code int) bool { return code/100 == 2 })
	require.NoError(t, err)
	require.Truef(t, code/100 == 2, "%s %s: %d %v", method, path, code, out)
	return out
}

// tickets lists every ticket of the instance, following cursor pagination.
func (c *client) tickets(ctx context.Context) ([]map[string]any, error) {
	var all []map[string]any
	path := "/tickets.json?page[size]=100"
	for {
		code, out, err := c.call(ctx, "GET", path, nil, nil)
		if err != nil {
			return nil, err
		}
		if code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %v", path, code, out)
		}
		list, _ := out["tickets"].([]any)
		for _, x := range list {
			all = append(all, x.(map[string]any))
		}
		meta, _ := out["meta"].(map[string]any)
		after, _ := meta["after_cursor"].(string)
		if more, _ := meta["has_more"].(bool); !more || after == "" {
			return all, nil
		}
		path = "/tickets.json?page[size]=100&page[after]=" + after
	}
}

// idOf finds the id of the item of list key at path whose attr equals want.
func (c *client) idOf(t *testing.T, path, key, attr, want string) int64 {
	t.Helper()
	out := c.must(t, "GET", path, nil)
	for _, x := range out[key].([]any) {
		if m := x.(map[string]any); m[attr] == want {
			return int64(m["id"].(float64))
		}
	}
	t.Fatalf("%s: no %s with %s %q", path, key, attr, want)
	return 0
}

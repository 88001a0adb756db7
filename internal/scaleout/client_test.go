//go:build processtests

package scaleout

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client is a JSON API client of one node for the admin. Its methods return
// errors instead of failing the test, so the create goroutines can use them.
type client struct {
	base  string
	email string
	token string
	http  *http.Client
}

func newClient(base, email, token string) *client {
	return &client{base: base, email: email, token: token, http: &http.Client{Timeout: 15 * time.Second}}
}

// answer is one API response.
type answer struct {
	code   int // 0 when no answer came: the node is down or was killed mid-request
	header http.Header
	body   map[string]any
}

func (a answer) ok() bool { return a.code/100 == 2 }

// call sends one request; a connection error is reported as code 0, not an error,
// since a node being down is what the test provokes.
func (c *client) call(ctx context.Context, method, path string, in any, header map[string]string) (answer, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return answer{}, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v2"+path, body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.SetBasicAuth(c.email+"/token", c.token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, nil // cut off mid-body: as good as no answer
	}
	a := answer{code: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(raw, &a.body)
	return a, nil
}

// retryable reports an answer worth sending again: none came, or the node was
// overloaded or failing.
func (a answer) retryable() bool {
	return a.code == 0 || a.code == http.StatusTooManyRequests || a.code >= 500
}

// must sends a request from the test goroutine that has to succeed.
func (c *client) must(ctx context.Context, method, path string, in any) (map[string]any, error) {
	a, err := c.call(ctx, method, path, in, nil)
	if err != nil {
		return nil, err
	}
	if !a.ok() {
		return nil, fmt.Errorf("%s %s: %d %v", method, path, a.code, a.body)
	}
	return a.body, nil
}

// tickets lists every ticket, following cursor pagination.
func (c *client) tickets(ctx context.Context) ([]map[string]any, error) {
	var all []map[string]any
	path := "/tickets.json?page[size]=100"
	for {
		out, err := c.must(ctx, "GET", path, nil)
		if err != nil {
			return nil, err
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

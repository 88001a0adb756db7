// Package loadgen drives live twindesk instances over HTTP and measures them:
// closed-loop ticket creates (optionally with active triggers), an open-loop
// read/update/search mix at a fixed rate, and escalation round trips between a
// standard and a secure instance. `twindesk-bench` runs it.
package loadgen

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Client sends API requests as one user, spreading them round-robin over the
// base URLs of several nodes of one instance.
type Client struct {
	bases []string
	next  atomic.Uint64
	auth  string
	http  *http.Client
}

// NewClient returns a client for the nodes at urls (e.g. http://127.0.0.1:8080)
// authenticating as email with an API token. conns is the number of keep-alive
// connections to hold per node, about the number of requests in flight.
func NewClient(urls []string, email, token string, conns int) (*Client, error) {
	var bases []string
	for _, u := range urls {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			bases = append(bases, u)
		}
	}
	if len(bases) == 0 {
		return nil, errors.New("loadgen: no URL given")
	}
	if email == "" || token == "" {
		return nil, errors.New("loadgen: an email and an API token are required (twindesk admin create-token)")
	}
	conns = max(conns, 4)
	tr := &http.Transport{
		MaxIdleConns:        conns * len(bases),
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &Client{
		bases: bases,
		auth:  "Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+token)),
		http:  &http.Client{Transport: tr, Timeout: 60 * time.Second},
	}, nil
}

// URLs returns the nodes the client spreads requests over.
func (c *Client) URLs() []string { return c.bases }

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// StatusError is a non-2xx answer.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

// Do sends body (raw JSON, may be nil) to path (from /api/v2 on) on the next
// node and decodes a 2xx answer into out when out is not nil. It returns the
// status code (0 when no answer came) and an error for transport failures and
// non-2xx answers.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, out any) (int, error) {
	base := c.bases[(c.next.Add(1)-1)%uint64(len(c.bases))]
	return c.doAt(ctx, base, method, path, body, out)
}

func (c *Client) doAt(ctx context.Context, base, method, path string, body []byte, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, fmt.Errorf("loadgen: %w", err)
	}
	req.Header.Set("Authorization", c.auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("loadgen: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body) // read to the end so the connection is reused
		return resp.StatusCode, err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("loadgen: decode %s %s: %w", method, path, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// DoJSON is Do with in encoded as JSON.
func (c *Client) DoJSON(ctx context.Context, method, path string, in, out any) (int, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return 0, fmt.Errorf("loadgen: encode %s: %w", path, err)
	}
	return c.Do(ctx, method, path, b, out)
}

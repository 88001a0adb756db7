package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// Response is a raw API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the JSON body into v, failing the test when it isn't JSON.
func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("apitest: %d answer is not the expected JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// RequestOption changes a request made with Do.
type RequestOption func(*http.Request)

// As authenticates the request as email with an API token (Basic email/token:TOKEN).
func As(email, token string) RequestOption {
	return func(r *http.Request) { r.SetBasicAuth(email+"/token", token) }
}

// NoAuth sends the request without credentials.
func NoAuth() RequestOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

// Header sets a request header, e.g. Header("Authorization", "Bearer x").
func Header(key, value string) RequestOption {
	return func(r *http.Request) { r.Header.Set(key, value) }
}

// Do sends a request to path (e.g. "/api/v2/tickets.json") as the admin unless an
// option says otherwise, and returns the answer. body is nil (no body), a []byte or
// string sent as is, or any other value sent as JSON.
func (e *Env) Do(tb testing.TB, method, path string, body any, opts ...RequestOption) *Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("apitest: encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.URL+path, rd)
	if err != nil {
		tb.Fatalf("apitest: %s %s: %v", method, path, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	As(AdminEmail, e.AdminToken)(req)
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("apitest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("apitest: read %s %s: %v", method, path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// Counted lists the tables Counts reports.
var Counted = []string{"tickets", "users", "comments", "audits", "groups", "group_memberships"}

// Counts returns the number of rows of each table in Counted (soft-deleted tickets
// included), to check that a failed request changed nothing.
func (e *Env) Counts(tb testing.TB) map[string]int64 {
	tb.Helper()
	out := make(map[string]int64, len(Counted))
	for _, table := range Counted {
		var n int64
		if err := e.Instance.DB.WriteDB().QueryRowContext(context.Background(), fmt.Sprintf("SELECT COUNT(*) FROM %s", table)).Scan(&n); err != nil {
			tb.Fatalf("apitest: count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

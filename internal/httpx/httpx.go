// Package httpx holds HTTP plumbing shared by the API and the web UI: request ids,
// access logs, panic recovery, security headers and body limits.
package httpx

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeKey
)

// RequestID returns the id given to the request by Middleware, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Middleware gives each request an id, sets security headers, recovers panics as a
// 500 and writes one access-log line with ids and timings, never bodies. Each
// observer hears of every finished request (metrics).
func Middleware(log *slog.Logger, next http.Handler, observers ...Observer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newID()
		sw := &statusWriter{ResponseWriter: w}
		info := &routeInfo{}
		r = r.WithContext(context.WithValue(context.WithValue(r.Context(), requestIDKey, id), routeKey, info))
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { // the handler's way to cut a response short
					panic(p)
				}
				// The stack names functions and addresses, never argument values.
				log.Error("panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, `{"error":"InternalError","description":"internal server error"}`, http.StatusInternalServerError)
				}
			}
			elapsed := time.Since(start)
			log.Debug("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(elapsed.Microseconds())/1000)
			if len(observers) > 0 {
				done := Finished{Route: info.route(r), Status: cmp.Or(sw.status, http.StatusOK), Duration: elapsed, Peer: info.peer}
				for _, o := range observers {
					o.ObserveRequest(done)
				}
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

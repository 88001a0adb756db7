// Package apitest starts a whole twindesk instance for tests: store, use cases and
// API behind an httptest server on loopback, with an admin and an API token, on
// SQLite (in t.TempDir) or PostgreSQL (a fresh database on TWINDESK_PG_URL's server).
//
//	for _, b := range apitest.Backends {
//		t.Run(string(b), func(t *testing.T) {
//			env := apitest.New(t, b)
//			c := env.AdminClient() // a go-zendesk client pointed at the instance
//			agentID, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
//			res := env.Do(t, "GET", "/api/v2/tickets.json", nil) // raw request, as the admin
//			...
//		})
//	}
//
// Everything is torn down when the test ends.
package apitest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/instance"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/pgtest"
)

// Backend names a database an instance runs on.
type Backend string

// The two backends. A PostgreSQL environment skips the test when TWINDESK_PG_URL is
// unset, and fails it when CI is set.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Backends lists every backend, for a t.Run per backend.
var Backends = []Backend{SQLite, Postgres}

// AdminEmail is the email of the admin every environment starts with.
const AdminEmail = "admin@example.com"

// Env is one running instance and its admin.
type Env struct {
	Backend Backend
	// URL is the server's base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL string
	// Instance gives direct access to the store (Instance.DB) and use cases
	// (Instance.Desk), e.g. to arrange data or count rows.
	Instance *instance.Instance
	// AdminID and AdminToken are the admin's id and API token (email AdminEmail).
	AdminID    int64
	AdminToken string
}

// LoopbackAllow is the --outbound-allow every test instance starts with: the
// receivers tests deliver webhooks to listen on loopback, which production
// refuses by default. A test of the outbound policy clears it with WithConfig.
const LoopbackAllow = "127.0.0.0/8,::1"

// Option changes how New starts the instance.
type Option func(*options)

type options struct {
	queue     bool
	configure func(*config.Serve)
}

// WithQueue also starts the instance's job queue, so webhook and target deliveries
// are worked as in `twindesk serve`. Without it they are only enqueued.
func WithQueue() Option { return func(o *options) { o.queue = true } }

// WithConfig lets the test adjust the configuration before the instance opens
// (rate limit, confidential mode...). The store and addresses are already set.
func WithConfig(f func(*config.Serve)) Option { return func(o *options) { o.configure = f } }

// New starts an instance on backend b, creates the admin and its token, and stops
// everything (and drops the PostgreSQL database) when the test ends.
func New(tb testing.TB, b Backend, opts ...Option) *Env {
	tb.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	var st config.Store
	switch b {
	case SQLite:
		st.DataDir = tb.TempDir()
	case Postgres:
		st.DatabaseURL = pgtest.URL(tb) // registered first, so dropped last
	default:
		tb.Fatalf("apitest: unknown backend %q", b)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cfg := config.Serve{Store: st, Addr: srv.Listener.Addr().String(), BaseURL: base, LogLevel: "warn",
		ShutdownTimeout: 5 * time.Second, OutboundAllow: LoopbackAllow}
	if o.configure != nil {
		o.configure(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in, err := instance.Open(ctx, cfg, newLogger(tb))
	if err != nil {
		cancel()
		srv.Close()
		tb.Fatalf("apitest: open %s instance: %v", b, err)
	}
	srv.Config.Handler = in.Handler()
	srv.Start()
	if o.queue {
		if err := in.Queue.Start(ctx); err != nil {
			tb.Fatalf("apitest: start job queue: %v", err)
		}
	}
	tb.Cleanup(func() {
		srv.Close()
		if o.queue {
			stopCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
			defer stop()
			if err := in.Queue.Stop(stopCtx); err != nil {
				tb.Logf("apitest: stop job queue: %v", err)
			}
		}
		cancel()
		if err := in.Close(); err != nil {
			tb.Errorf("apitest: close instance: %v", err)
		}
	})
	env := &Env{Backend: b, URL: base, Instance: in}
	env.AdminID, env.AdminToken = env.CreateUser(tb, "Admin", AdminEmail, model.RoleAdmin)
	return env
}

// CreateUser creates a user with role and an API token for them, directly
// through the use cases, and returns the user's id and token.
func (e *Env) CreateUser(tb testing.TB, name, email string, role model.Role) (int64, string) {
	tb.Helper()
	ctx := context.Background()
	r := string(role)
	u, err := e.Instance.Desk.BootstrapUser(ctx, desk.UserInput{Name: &name, Email: &email, Role: &r})
	if err != nil {
		tb.Fatalf("apitest: create %s %s: %v", role, email, err)
	}
	token, err := e.Instance.Desk.CreateToken(ctx, email)
	if err != nil {
		tb.Fatalf("apitest: token for %s: %v", email, err)
	}
	return u.ID, token
}

// CreateAgent creates an agent with an API token.
func (e *Env) CreateAgent(tb testing.TB, name, email string) (int64, string) {
	tb.Helper()
	return e.CreateUser(tb, name, email, model.RoleAgent)
}

// CreateEndUser creates an end user with an API token.
func (e *Env) CreateEndUser(tb testing.TB, name, email string) (int64, string) {
	tb.Helper()
	return e.CreateUser(tb, name, email, model.RoleEndUser)
}

// Client returns a go-zendesk client for the instance that authenticates as
// email with an API token, as a Zendesk integration would.
func (e *Env) Client(email, token string) *zendesk.Client {
	c, _ := zendesk.NewClient(nil)          // never fails
	_ = c.SetEndpointURL(e.URL + "/api/v2") // a URL built from a listener address always parses
	c.SetCredential(zendesk.NewAPITokenCredential(email, token))
	return c
}

// AdminClient is Client for the admin.
func (e *Env) AdminClient() *zendesk.Client { return e.Client(AdminEmail, e.AdminToken) }

// testLog sends log lines to t.Log until the test ends: the job queue logs from
// its own goroutines, which may outlive the test by a moment.
type testLog struct {
	mu   sync.Mutex
	tb   testing.TB
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.tb.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// newLogger logs warnings and errors to the test log; TWINDESK_TEST_LOG=1 adds
// debug lines (one per request).
func newLogger(tb testing.TB) *slog.Logger {
	l := &testLog{tb: tb}
	tb.Cleanup(func() { l.mu.Lock(); l.done = true; l.mu.Unlock() })
	level := slog.LevelWarn
	if os.Getenv("TWINDESK_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	var w io.Writer = l
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

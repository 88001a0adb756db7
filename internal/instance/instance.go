// Package instance wires one twindesk helpdesk instance together: store, use cases,
// API and background workers. `twindesk serve`, `twindesk demo` and the end-to-end
// tests all start instances through it.
package instance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/api"
	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/httpx"
	"github.com/twindesk/twindesk/internal/jobs"
	"github.com/twindesk/twindesk/internal/metrics"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/store/postgres"
	"github.com/twindesk/twindesk/internal/store/sqlite"
	"github.com/twindesk/twindesk/internal/web"
	"github.com/twindesk/twindesk/internal/webhook"
)

// OpenStore opens the database the configuration names: PostgreSQL when a URL is
// given, SQLite in the data directory otherwise.
func OpenStore(ctx context.Context, c config.Store) (*store.DB, error) {
	if c.DatabaseURL != "" {
		var opts []postgres.Option
		if c.ScrubRewrite {
			opts = append(opts, postgres.WithTableRewrite())
		}
		return postgres.Open(ctx, c.DatabaseURL, opts...)
	}
	return sqlite.Open(ctx, c.DataDir)
}

// openBlobs picks the attachment store: the database itself on PostgreSQL, so
// every node reads every file; files under <data>/blobs on SQLite.
func openBlobs(db *store.DB, c config.Store) (blob.Store, error) {
	if c.DatabaseURL != "" {
		return blob.NewPostgres(db.WriteDB()), nil
	}
	return blob.NewDir(filepath.Join(c.DataDir, "blobs"))
}

// Instance is one running helpdesk.
type Instance struct {
	cfg  config.Serve
	log  *slog.Logger
	DB   *store.DB
	Desk *desk.Service
	API  *api.Server
	// Web is the agent UI, mounted at "/".
	Web *web.Server
	// Queue delivers webhooks; Serve starts and stops it.
	Queue *jobs.Queue
	// Metrics is this instance's registry, served on --metrics-addr only.
	Metrics *metrics.Metrics
	// mailIn fetches and receives mail (mail_in.go); Serve starts it.
	mailIn *mailIn
}

// Open opens the store and builds the services; it starts nothing.
func Open(ctx context.Context, cfg config.Serve, log *slog.Logger) (*Instance, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	db, err := OpenStore(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	box, err := secretbox.Load(secretbox.Source{File: cfg.SecretKeyFile, Value: cfg.SecretKey, DataDir: cfg.DataDir}, log)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	policy, err := outboundPolicy(cfg)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	mo, err := openMailOut(cfg.MailOut, box)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	src := &metricsSource{db: db}
	m := metrics.New(src, log)
	db.ObserveCommits(m)
	blobs, err := openBlobs(db, cfg.Store)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	// Blobs: an escalation's forward sends the ticket's files (jobs/forward.go).
	queue, err := jobs.Open(ctx, db, log, jobs.Config{Workers: 8, PollInterval: cfg.JobPoll, ListenURL: cfg.DatabaseURL, Sender: webhook.NewSender(policy), Secrets: box, Observer: m, Mail: mo.jobs(), Blobs: blobs})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	opts := []desk.Option{desk.WithQueue(queue), desk.WithSearchObserver(m), desk.WithBaseURL(cfg.BaseURL), desk.WithStubSubjects(stubSubjects(cfg.StubSubject)), desk.WithSecrets(box)}
	opts = append(opts, desk.WithBlobs(blobs, cfg.MaxAttachmentBytes), desk.WithTicketAttachmentLimit(cfg.MaxTicketAttachmentBytes))
	mi := newMailIn(cfg.MailIn, log)
	opts = append(opts, mi.deskOptions()...)
	if cfg.ScrubInterval > 0 {
		opts = append(opts, desk.WithScrubInterval(cfg.ScrubInterval))
	}
	if cfg.Confidential {
		opts = append(opts, desk.WithConfidential(splitHosts(cfg.WebhookHosts)))
	}
	opts = append(opts, mo.deskOptions(queue)...)
	d := desk.New(db, log, opts...)
	mi.bind(d, mo.signer, mo.from.Address, cfg.Confidential)
	mi.register(m.Registry())
	queue.ScheduleAutomations(d, cfg.AutomationInterval)
	queue.ForgetForwardedFiles(d) // a stub's note's files, once delivered to secure
	src.desk = d
	if err := d.SealStoredCredentials(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("seal stored credentials: %w", err)
	}
	if err := mo.install(ctx, d, log); err != nil {
		_ = db.Close()
		return nil, err
	}
	if n, err := d.BackfillLinks(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("backfill escalation links: %w", err)
	} else if n > 0 {
		log.Info("escalation links recorded for tickets escalated before links existed", "links", n)
	}
	return &Instance{
		cfg:     cfg,
		log:     log,
		DB:      db,
		Desk:    d,
		Queue:   queue,
		Metrics: m,
		mailIn:  mi,
		API:     api.New(d, log, api.Config{BaseURL: cfg.BaseURL, RatePerMinute: cfg.RatePerMinute, MaxTicketBody: cfg.MaxTicketBody}),
		Web:     web.New(d, log, web.Config{BaseURL: cfg.BaseURL, InstanceName: cfg.InstanceName}),
	}, nil
}

// Handler is the instance's whole HTTP surface.
func (in *Instance) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/v2/", in.API.Routes())
	mux.Handle("GET /attachments/token/{token}/", in.API.DownloadRoutes())
	mux.Handle("/", in.Web.Routes())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := in.DB.WriteDB().PingContext(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", in.ready)
	// No /metrics here: the main address faces the network (and, behind a
	// reverse proxy on the same host, every request comes from loopback), so
	// metrics are served on --metrics-addr alone; see serveMetrics.
	return httpx.Middleware(in.log, mux, in.Metrics)
}

// Serve listens on ln until ctx is cancelled, then drains requests for up to the
// configured shutdown timeout.
func (in *Instance) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           in.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	stopMetrics, err := in.serveMetrics(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	// Cancelling the context River starts with is its abrupt stop, which would cut
	// off deliveries in flight (the receiver may have acted on them: they'd be sent
	// again). The queue is stopped gracefully below instead.
	if err := in.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	in.DB.WarmSearch()
	// Pays scrubs owed (one left by a kill between a purge and its scrub, at once),
	// through the drain too; stopped when Serve returns.
	defer in.Desk.StartScrubs(context.WithoutCancel(ctx))()
	defer in.Desk.StartAttachmentSweeper(context.WithoutCancel(ctx))()
	stopMailIn, err := in.mailIn.start(ctx)
	if err != nil {
		return err
	}
	defer stopMailIn()
	stopQueue := func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), in.cfg.ShutdownTimeout)
		defer cancel()
		if err := in.Queue.Stop(stopCtx); err != nil {
			in.log.Warn("stop job queue", "err", err)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopQueue()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// The queue stops first, while the API still answers: a delivery in flight may be
	// calling this very instance (the escalation deletes its own ticket that way).
	stopQueue()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), in.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Connections still open after the timeout (including ones a client opened
		// but never sent a request on, which Shutdown waits 5 s for) are cut.
		in.log.Warn("shutdown timeout: closing remaining connections", "err", err)
		if err := srv.Close(); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close releases the database.
func (in *Instance) Close() error { return in.DB.Close() }

// outboundPolicy is where this instance's webhooks may go: public addresses, plus
// the --outbound-allow entries, its own base URL (the escalation deletes its own
// ticket through its API) and, in confidential mode, only the --webhook-hosts.
func outboundPolicy(cfg config.Serve) (*webhook.Policy, error) {
	allow := splitHosts(cfg.OutboundAllow)
	// A base URL on port 0 (a test's ephemeral listener) names no address to allow.
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" && u.Port() != "0" {
		allow = append(allow, webhook.HostPort(u))
	}
	pc := webhook.PolicyConfig{Allow: allow}
	if cfg.Confidential {
		pc.Confidential, pc.Hosts = true, splitHosts(cfg.WebhookHosts)
	}
	p, err := webhook.NewPolicy(pc)
	if err != nil {
		return nil, fmt.Errorf("--outbound-allow or --webhook-hosts: %w", err)
	}
	return p, nil
}

func splitHosts(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

func stubSubjects(setting string) desk.StubSubjects {
	if setting == "original" {
		return desk.StubSubjectOriginal
	}
	return desk.StubSubjectNeutral
}

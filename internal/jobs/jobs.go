// Package jobs runs twindesk's durable background work on River, over the same
// database as the instance: deliveries are enqueued in the transaction that made
// them, so a committed change always gets its deliveries and a rolled-back one never
// does.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/twindesk/twindesk/internal/blob"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/secretbox"
	"github.com/twindesk/twindesk/internal/store"
	"github.com/twindesk/twindesk/internal/webhook"
)

const (
	deliveryQueue = "deliveries"
	// maxAttempts spans about 24 hours with backoff capped at maxBackoff.
	maxAttempts = 300
	maxBackoff  = 5 * time.Minute
)

// DeliveryArgs is a delivery job. It carries only the delivery id: the rendered
// body stays in the deliveries table, where it is dropped once delivered.
type DeliveryArgs struct {
	DeliveryID string `json:"delivery_id"`
	// Forward marks an escalation's forward, which uploads files first and
	// gets a longer timeout (forward.go).
	Forward bool `json:"forward,omitempty"`
}

// Kind names the job type.
func (DeliveryArgs) Kind() string { return "delivery" }

// InsertOpts puts deliveries on their queue with a 24-hour retry budget.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: deliveryQueue, MaxAttempts: maxAttempts}
}

// Config tunes the queue.
type Config struct {
	// Workers is the number of concurrent deliveries per node.
	Workers int
	// PollInterval is how often idle nodes look for new jobs; 0 picks the
	// backend's (listen.go). SQLite has no LISTEN/NOTIFY, so it bounds delivery
	// latency there; default 10 ms. An escalation takes about four deliveries: at
	// 20 ms its round trip's median was 50.7 ms, at 10 ms 41.0 ms. On SQLite most
	// polls stop at the fetchGate, so an idle node spends 4% of a CPU (11% before
	// the gate). On PostgreSQL with ListenURL it is a fallback, default 1 s.
	PollInterval time.Duration
	// ListenURL is the PostgreSQL URL of the store: River LISTENs there on one
	// dedicated connection, so a committed job wakes every node's fetcher.
	// Empty on PostgreSQL polls only (every 10 ms by default).
	ListenURL string
	// Sender makes the HTTP requests.
	Sender *webhook.Sender
	// Secrets opens the stored credentials a request carries (desk.WithSecrets
	// sealed them); nil opens only plaintext ones.
	Secrets *secretbox.Box
	// Observer hears each attempt's outcome (metrics); nil hears nothing.
	Observer Observer
	// Blobs holds the attachments an escalation's forward sends; nil fails
	// forwards.
	Blobs blob.Store
	// Mail sends outgoing mail (see mail.go); without a sender mail jobs wait.
	Mail MailConfig
}

// Queue owns the River client and the delivery worker.
type Queue struct {
	client   *river.Client[*sql.Tx]
	db       *store.DB
	log      *slog.Logger
	sender   *webhook.Sender
	secrets  *secretbox.Box
	complete func(ctx context.Context, tx *sql.Tx, job *river.Job[DeliveryArgs]) error
	// completeMail is complete for mail jobs.
	completeMail func(ctx context.Context, tx *sql.Tx, job *river.Job[MailArgs]) error
	// gate is nil unless this process alone can enqueue (SQLite); see fetchGate.
	gate *fetchGate
	// stopProbe ends the goroutine that watches endpoints waiting for a retry;
	// probeDone is closed once it has returned.
	stopProbe context.CancelFunc
	probeDone chan struct{}
	// endpoints bounds the requests in flight per endpoint host (half the workers,
	// at least 2) and holds their breakers.
	endpoints *endpoints
	// kicks spaces out kickWaiting per endpoint (kick.go).
	kicks    kicks
	observer Observer
	// auto runs the scheduled automations (automations.go).
	auto *automationWorker
	// blobs holds the files a forward sends; forwarded deletes a delivered
	// note's files (forward_note.go).
	blobs     blob.Store
	forwarded ForwardedFiles
	// listenPool holds River's LISTEN connection on PostgreSQL (listen.go).
	listenPool *pgxpool.Pool
}

// Open migrates River's tables and builds the client; call Start to work jobs.
func Open(ctx context.Context, db *store.DB, log *slog.Logger, cfg Config) (*Queue, error) {
	q := &Queue{db: db, log: log, sender: cfg.Sender, secrets: cfg.Secrets, endpoints: newEndpoints(max(2, cfg.Workers/2)), observer: cfg.Observer, blobs: cfg.Blobs}
	var driver riverdriver.Driver[*sql.Tx]
	var poll time.Duration
	if db.Dialect().Name == "sqlite" {
		q.gate = newFetchGate()
		driver = gatedDriver{Driver: riversqlite.New(db.WriteDB()), gate: q.gate}
		q.complete = completeWith[*riversqlite.Driver]
		q.completeMail = completeMailWith[*riversqlite.Driver]
		poll = sqlitePoll
	} else {
		var err error
		if driver, q.listenPool, poll, err = postgresDriver(ctx, db.WriteDB(), cfg.ListenURL); err != nil {
			return nil, err
		}
		q.complete = completeWith[*riverdatabasesql.Driver]
		q.completeMail = completeMailWith[*riverdatabasesql.Driver]
	}
	// Nodes starting together take turns (store.DB.Migrating).
	if err := db.Migrating(ctx, func() error { return migrate(ctx, driver) }); err != nil {
		q.closeListenPool()
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliveryWorker{q: q})
	q.auto = &automationWorker{q: q}
	river.AddWorker(workers, q.auto)
	river.AddWorker(workers, &mailWorker{q: q, cfg: cfg.Mail})
	client, err := river.NewClient(driver, &river.Config{
		Queues:      map[string]river.QueueConfig{deliveryQueue: {MaxWorkers: max(1, cfg.Workers)}, mailQueue: {MaxWorkers: mailWorkers}},
		Workers:     workers,
		RetryPolicy: backoff{},
		JobTimeout:  2 * webhook.Timeout,
		// A node killed mid-delivery leaves its job "running"; another node (or the
		// same one restarted) takes it over after this, instead of River's hour.
		RescueStuckJobsAfter: time.Minute,
		FetchCooldown:        5 * time.Millisecond,
		FetchPollInterval:    cmpOr(cfg.PollInterval, poll),
		Logger:               log.With("component", "river"),
		MaxAttempts:          maxAttempts,
	})
	if err != nil {
		q.closeListenPool()
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	q.client = client
	return q, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func completeWith[D riverdriver.Driver[*sql.Tx]](ctx context.Context, tx *sql.Tx, job *river.Job[DeliveryArgs]) error {
	_, err := river.JobCompleteTx[D](ctx, tx, job)
	return err
}

func migrate(ctx context.Context, driver riverdriver.Driver[*sql.Tx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate river tables: %w", err)
	}
	return nil
}

// Start begins working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	probeCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	q.stopProbe, q.probeDone = cancel, make(chan struct{})
	go func() {
		defer close(q.probeDone)
		q.probe(probeCtx)
	}()
	return nil
}

// Stop waits for running jobs to finish. When ctx ends first, running jobs are
// cancelled (they'll be retried after a restart) and Stop waits for them to
// record that, so the database can be closed after it returns.
func (q *Queue) Stop(ctx context.Context) error {
	if q.stopProbe != nil {
		q.stopProbe()
		// The probe reads the database: it must be done before the caller
		// closes it.
		select {
		case <-q.probeDone:
		case <-ctx.Done():
		}
	}
	// The listener's connection is the client's until it stops.
	defer q.closeListenPool()
	err := q.client.Stop(ctx)
	if err == nil {
		return nil
	}
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return errors.Join(err, q.client.StopAndCancel(cancelCtx))
}

// Enqueue inserts the job for delivery d inside tx and records its id on d.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, d *model.Delivery) error {
	res, err := q.client.InsertTx(ctx, tx.SQL, DeliveryArgs{DeliveryID: d.ID, Forward: isForward(d.Body)}, nil)
	if err != nil {
		return fmt.Errorf("jobs: enqueue delivery %s: %w", d.ID, err)
	}
	d.JobID = res.Job.ID
	if q.gate != nil {
		tx.AfterCommit(q.gate.wake)
	}
	return nil
}

// RetryNow makes a waiting job run at once (the "retry" button of the delivery log).
func (q *Queue) RetryNow(ctx context.Context, jobID int64) error {
	if _, err := q.client.JobRetry(ctx, jobID); err != nil {
		return fmt.Errorf("jobs: retry %d: %w", jobID, err)
	}
	if q.gate != nil {
		q.gate.wake()
	}
	return nil
}

// backoff retries after 1 s, 2 s, 4 s ... capped at five minutes, with ±20% jitter
// so a recovering endpoint isn't hit by every waiting delivery in the same instant.
type backoff struct{}

func (backoff) NextRetry(job *rivertype.JobRow) time.Time {
	// River calls this before the current attempt's error is added to Errors.
	n := len(job.Errors) + 1
	d := maxBackoff
	if n <= 9 {
		d = min(time.Second<<(n-1), maxBackoff)
	}
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Now().Add(time.Duration(float64(d) * jitter))
}

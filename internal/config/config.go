// Package config reads twindesk's typed configuration from flags and TWINDESK_*
// environment variables. A flag given on the command line wins over its variable.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// Store selects the database.
type Store struct {
	DataDir     string
	DatabaseURL string
	// ScrubRewrite (PostgreSQL) rewrites the tables that held purged text at each
	// scrub, so no page keeps its bytes in free space.
	ScrubRewrite bool
}

// Serve is the configuration of `twindesk serve`.
type Serve struct {
	Store
	Addr            string
	BaseURL         string
	LogLevel        string
	RatePerMinute   int
	ShutdownTimeout time.Duration
	Confidential    bool
	WebhookHosts    string
	// InstanceName is what every page calls this desk (--instance-name).
	InstanceName string
	// StubSubject is what the stubs of escalated tickets show as their subject:
	// "neutral" (the pseudo group) or "original" (the secure instance's subject).
	StubSubject string
	// MaxTicketBody is the largest ticket create or update body in bytes (0: the
	// API's default, 32 MiB); an escalation sends the whole conversation in one.
	MaxTicketBody int64
	// ScrubInterval is the least time between two scrubs after purges; 0 keeps
	// the backend's default (none on SQLite, 5 minutes on PostgreSQL).
	ScrubInterval time.Duration
	DebugAddr     string
	// MetricsAddr is where /metrics is served (--metrics-addr); "" serves it nowhere.
	MetricsAddr string
	// JobPoll is how often the webhook queue looks for new deliveries; on SQLite,
	// which has no LISTEN/NOTIFY, it bounds how soon a webhook leaves. 0 picks
	// the backend's default (jobs.Config.PollInterval).
	JobPoll time.Duration
	// AutomationInterval is how often automations run, once across all nodes; 0 runs none.
	AutomationInterval time.Duration
	// SecretKeyFile holds the key that seals stored credentials (--secret-key-file).
	SecretKeyFile string
	// SecretKey is the key itself, from TWINDESK_SECRET_KEY only (never a flag:
	// a command line is visible to every user of the machine).
	SecretKey string
	// OutboundAllow lists host:port, host or CIDR entries webhooks may reach
	// although they are loopback, link-local or private (the peer instance).
	OutboundAllow string
	// MaxAttachmentBytes is the size limit per uploaded file
	// (--max-attachment-bytes); 0 keeps the default, 50 MB.
	MaxAttachmentBytes int64
	// MaxTicketAttachmentBytes bounds the sum of one ticket's attachments
	// (--max-ticket-attachment-bytes); 0 keeps the default, 1 GiB.
	MaxTicketAttachmentBytes int64
	// MailIn is inbound mail (mail_in.go).
	MailIn
	// MailOut is outgoing mail (mail_out.go).
	MailOut
}

// envName turns a flag name into its variable: database-url -> TWINDESK_DATABASE_URL.
func envName(flagName string) string {
	return "TWINDESK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// StoreFlags registers the database flags shared by every command.
func StoreFlags(fs *flag.FlagSet, s *Store) {
	fs.StringVar(&s.DataDir, "data", "./data", "data directory holding the SQLite database (env TWINDESK_DATA)")
	fs.StringVar(&s.DatabaseURL, "database-url", "", "PostgreSQL URL, e.g. postgres://user:pass@host/db; overrides --data (env TWINDESK_DATABASE_URL)")
}

// ServeFlags registers the flags of `twindesk serve`.
func ServeFlags(fs *flag.FlagSet, c *Serve) {
	StoreFlags(fs, &c.Store)
	MailInFlags(fs, &c.MailIn)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on (env TWINDESK_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of this instance, used in links; default http://<addr> (env TWINDESK_BASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error; debug adds one line per request (env TWINDESK_LOG_LEVEL)")
	fs.IntVar(&c.RatePerMinute, "rate-limit", 60000, "API requests per minute per user, 0 for none (env TWINDESK_RATE_LIMIT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to drain requests on SIGTERM (env TWINDESK_SHUTDOWN_TIMEOUT)")
	fs.BoolVar(&c.Confidential, "confidential", false, "secure-instance mode: restrict webhooks (env TWINDESK_CONFIDENTIAL)")
	fs.StringVar(&c.InstanceName, "instance-name", "", "name of this desk on every page and in page titles, e.g. \"Acme IT\"; default \"IT desk\", or \"Secure desk — HR/Payroll\" with --confidential (a secure desk's name always says \"Secure desk\") (env TWINDESK_INSTANCE_NAME)")
	fs.StringVar(&c.DebugAddr, "debug-addr", "", "serve Go's pprof profiles on this address (keep it on loopback), e.g. 127.0.0.1:6060 (env TWINDESK_DEBUG_ADDR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address, apart from --addr so the network can't read them; keep it on loopback or a private interface, e.g. 127.0.0.1:9464; empty serves none (env TWINDESK_METRICS_ADDR)")
	fs.DurationVar(&c.JobPoll, "job-poll", 0, "how often idle nodes look for webhooks to deliver; 0 picks 10ms on SQLite (lower sends sooner and costs more idle CPU) and 1s on PostgreSQL, where LISTEN/NOTIFY wakes the nodes and the poll is a fallback (env TWINDESK_JOB_POLL)")
	fs.DurationVar(&c.AutomationInterval, "automation-interval", time.Hour, "how often automations run (Zendesk: hourly); one node runs each round whatever the number of nodes; 0 runs none (env TWINDESK_AUTOMATION_INTERVAL)")
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", "", "file holding the key (base64 or hex of 32 bytes) that encrypts stored webhook and target credentials; keep it outside the data directory and back it up apart from the database. Without it TWINDESK_SECRET_KEY is used, else <data>/secret.key is generated (env TWINDESK_SECRET_KEY_FILE)")
	fs.DurationVar(&c.ScrubInterval, "scrub-interval", 0, "least time between two scrubs of purged text; 0 keeps the default (none on SQLite; 5m on PostgreSQL, where a scrub rebuilds the full-text indexes). Purged text stays in the data files for at most this long plus one scrub (env TWINDESK_SCRUB_INTERVAL)")
	fs.Int64Var(&c.MaxTicketBody, "max-ticket-body", 32<<20, "largest ticket create or update body in bytes; an escalation forwards the whole conversation in one create, so set the same value on both instances (env TWINDESK_MAX_TICKET_BODY)")
	fs.BoolVar(&c.ScrubRewrite, "scrub-rewrite", false, "PostgreSQL: each scrub rewrites the tables that held purged text (VACUUM FULL), so purged text leaves the table files within --scrub-interval plus one scrub; each table is locked, reads included, while it is copied (env TWINDESK_SCRUB_REWRITE)")
	fs.StringVar(&c.StubSubject, "stub-subject", "neutral", "subject of the stubs of escalated tickets: neutral (\"Escalated to Payroll\") or original (the ticket's own subject, which may itself be confidential) (env TWINDESK_STUB_SUBJECT)")
	fs.StringVar(&c.WebhookHosts, "webhook-hosts", "", "comma-separated hosts webhooks may call in confidential mode (env TWINDESK_WEBHOOK_HOSTS)")
	fs.Int64Var(&c.MaxAttachmentBytes, "max-attachment-bytes", 50<<20, "largest file one upload may carry, in bytes; larger ones get a 413 and nothing is stored (env TWINDESK_MAX_ATTACHMENT_BYTES)")
	fs.Int64Var(&c.MaxTicketAttachmentBytes, "max-ticket-attachment-bytes", 1<<30, "most bytes of attachments one ticket may carry; a comment whose uploads would go over it is a 422 (env TWINDESK_MAX_TICKET_ATTACHMENT_BYTES)")
	MailOutFlags(fs, &c.MailOut)
	fs.StringVar(&c.OutboundAllow, "outbound-allow", "", "comma-separated host:port, host or CIDR entries webhooks may call although they are loopback, link-local or private, e.g. the peer instance 10.0.0.5:8081; this instance's --base-url and, in confidential mode, --webhook-hosts are always allowed (env TWINDESK_OUTBOUND_ALLOW)")
}

// Parse parses args, then fills every flag not given on the command line from its
// environment variable.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := os.LookupEnv(envName(f.Name))
		if given[f.Name] || !ok {
			return
		}
		if err := f.Value.Set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
		}
	})
	return errors.Join(errs...)
}

// Validate checks a serve configuration.
func (c *Serve) Validate() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	if c.RatePerMinute < 0 {
		return errors.New("--rate-limit must be 0 or more")
	}
	if c.MaxTicketBody < 0 {
		return errors.New("--max-ticket-body must be 0 (the default) or more")
	}
	if c.StubSubject == "" {
		c.StubSubject = "neutral"
	}
	if c.StubSubject != "neutral" && c.StubSubject != "original" {
		return fmt.Errorf("--stub-subject %q: use neutral or original", c.StubSubject)
	}
	if err := c.MailIn.Validate(); err != nil {
		return err
	}
	if err := c.MailOut.Validate(); err != nil {
		return err
	}
	if c.MaxAttachmentBytes < 0 {
		return errors.New("--max-attachment-bytes must be 0 (the default, 50 MB) or more")
	}
	if c.MaxTicketAttachmentBytes < 0 {
		return errors.New("--max-ticket-attachment-bytes must be 0 (the default, 1 GiB) or more")
	}
	if c.ScrubInterval < 0 {
		return errors.New("--scrub-interval must be 0 (the default) or more")
	}
	if c.AutomationInterval < 0 || c.AutomationInterval > 0 && c.AutomationInterval < time.Second {
		return errors.New("--automation-interval must be 0 (no automations) or at least 1s")
	}
	if c.JobPoll < 0 {
		return errors.New("--job-poll must be 0 (the default) or more")
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		return errors.New("--metrics-addr must differ from --addr: metrics are never served on the main address")
	}
	if c.SecretKey == "" {
		c.SecretKey = os.Getenv("TWINDESK_SECRET_KEY")
	}
	return nil
}

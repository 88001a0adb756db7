// Package zdimport copies a Zendesk account into twindesk through both sides'
// public REST APIs (`twindesk import zendesk`): organizations, users, groups and
// memberships, ticket fields and forms, macros, views, triggers, automations,
// and tickets with their comments and attachments. Because twindesk speaks the
// same APIs, the source may also be another twindesk instance.
//
// Each record is keyed on its source id in the target's id map (migration 024);
// a ticket's entry is written in the transaction that imports it. A re-run, after
// a kill or weeks later, carries only records that are new or whose updated_at
// changed. Tickets go through the Ticket Import API, which fires no trigger and
// sends no mail, and keeps each comment's author and time.
package zdimport

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Config says what to import from where.
type Config struct {
	SourceURL, SourceEmail, SourceToken string
	TargetURL, TargetEmail, TargetToken string
	// Concurrency is how many tickets are carried at once; 0 means 8.
	Concurrency int
	// Progress receives a progress line every ProgressEvery (nil: none).
	Progress      io.Writer
	ProgressEvery time.Duration
	// HTTP is the client of both sides; nil means one with a 2-minute timeout.
	HTTP *http.Client
	Log  *slog.Logger
}

// Importer runs one import.
type Importer struct {
	cfg    Config
	src    *client
	dst    *client
	system string // the source account's key in the id map: its host
	log    *slog.Logger
	ids    *idMap
	rep    *Report
	// targetEmail is the importing admin, never demoted by a source user of the same email.
	targetEmail string

	userMu sync.Mutex // serialises lazy creation of users met only on tickets
}

// New checks cfg and returns an importer.
func New(cfg Config) (*Importer, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 2 * time.Second
	}
	if cfg.HTTP == nil {
		// Keep a connection per worker alive: the default transport keeps 2 per
		// host and the others would reconnect for every request.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 2 * cfg.Concurrency
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute, Transport: tr}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	src, err := newClient(cfg.SourceURL, cfg.SourceEmail, cfg.SourceToken, cfg.HTTP)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dst, err := newClient(cfg.TargetURL, cfg.TargetEmail, cfg.TargetToken, cfg.HTTP)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	return &Importer{cfg: cfg, src: src, dst: dst, system: src.base.Host, log: cfg.Log,
		rep: newReport(), targetEmail: cfg.TargetEmail}, nil
}

// Run imports everything, in the order references need: a ticket names users,
// groups, fields and forms that must exist first. It stops at the first error
// that is not about one record (the target or source unreachable, ctx done);
// records that could not be carried are in the report, and the run goes on.
func (im *Importer) Run(ctx context.Context) (*Report, error) {
	start := time.Now()
	defer func() { im.rep.Elapsed = time.Since(start) }()
	var err error
	if im.ids, err = loadIDMap(ctx, im.dst, im.system); err != nil {
		return im.rep, err
	}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"user and organization fields", im.importEntityFields},
		{"groups", im.importGroups},
		{"organizations", im.importOrgs},
		{"users", im.importUsers},
		{"group memberships", im.importMemberships},
		{"ticket fields", im.importFields},
		{"ticket forms", im.importForms},
		{"macros", im.ruleStep(macros)},
		{"views", im.ruleStep(views)},
		{"triggers", im.ruleStep(triggers)},
		{"automations", im.ruleStep(automations)},
		{"tickets", im.importTickets},
	}
	for _, s := range steps {
		im.progressf("import: %s...", s.name)
		err := s.run(ctx)
		if ferr := im.ids.flush(ctx, im.dst); err == nil {
			err = ferr
		}
		if err != nil {
			return im.rep, fmt.Errorf("zdimport: %s: %w", s.name, err)
		}
	}
	im.rep.Throttled = im.src.throttledFor() + im.dst.throttledFor()
	return im.rep, nil
}

func (im *Importer) progressf(format string, args ...any) {
	if im.cfg.Progress != nil {
		fmt.Fprintf(im.cfg.Progress, format+"\n", args...)
	}
}

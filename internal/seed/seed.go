// Package seed fills a twindesk database with realistic helpdesk data: groups,
// agents with memberships, custom ticket fields, requesters, and tickets with
// their comments, audits, tags, field values and full-text index entries. It
// writes through the store's bulk methods in large transactions, so a million
// tickets load in minutes; `twindesk seed` runs it.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/twindesk/twindesk/internal/store"
)

// Config says how much to generate.
type Config struct {
	// Tickets is how many tickets to add.
	Tickets int
	// Requesters is how many end users to add; 0 means Tickets/5, at least 10.
	Requesters int
	// Agents is how many agents to ensure (reused across runs); 0 means 40.
	Agents int
	// Groups is how many groups to ensure, at most len(groupNames); 0 means 8.
	Groups int
	// Batch is the number of tickets per transaction; 0 means 2,000.
	Batch int
	// Writers is the number of transactions written at once; 0 means 1 on SQLite
	// (one writer) and 2 on PostgreSQL.
	Writers int
	// Seed makes a run reproducible: the same seed on an empty database gives the
	// same data.
	Seed uint64
	// Span is how far back creation dates go; 0 means two years.
	Span time.Duration
	// Now anchors the dates; zero means time.Now().
	Now time.Time
}

// Stats is what a run wrote.
type Stats struct {
	Tickets, Comments, Audits, Requesters int
	Elapsed                               time.Duration
}

func (c *Config) defaults() error {
	if c.Tickets < 0 {
		return errors.New("seed: --tickets must be 0 or more")
	}
	if c.Requesters == 0 {
		c.Requesters = max(10, c.Tickets/5)
	}
	if c.Agents == 0 {
		c.Agents = 40
	}
	if c.Groups == 0 {
		c.Groups = 8
	}
	c.Groups = min(c.Groups, len(groupNames))
	if c.Batch <= 0 {
		c.Batch = 2000
	}
	if c.Span <= 0 {
		c.Span = 2 * 365 * 24 * time.Hour
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	c.Now = c.Now.UTC().Truncate(time.Microsecond)
	if c.Requesters < 1 || c.Agents < 1 {
		return errors.New("seed: requesters and agents must be at least 1")
	}
	return nil
}

// Run adds cfg.Tickets tickets (and the people and fields they need) to db,
// reporting progress on progress (nil for none).
func Run(ctx context.Context, db *store.DB, cfg Config, progress io.Writer) (Stats, error) {
	start := time.Now()
	if cfg.Writers <= 0 {
		cfg.Writers = 1
		if db.Dialect().Name == "postgres" {
			cfg.Writers = 2
		}
	}
	if err := cfg.defaults(); err != nil {
		return Stats{}, err
	}
	ref, err := ensureReference(ctx, db, &cfg)
	if err != nil {
		return Stats{}, err
	}
	if err := addRequesters(ctx, db, &cfg, ref); err != nil {
		return Stats{}, err
	}
	st := Stats{Requesters: len(ref.requesters)}
	if err := loadTickets(ctx, db, &cfg, ref, &st, newProgress(progress, cfg.Tickets)); err != nil {
		return st, err
	}
	if err := db.Analyze(ctx); err != nil {
		return st, err
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

// loadTickets generates batches in one goroutine while cfg.Writers others write
// them, so generation and database work overlap.
func loadTickets(ctx context.Context, db *store.DB, cfg *Config, ref *reference, st *Stats, p *progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []store.BulkTicket, 2)
	go func() {
		defer close(batches)
		g := newGenerator(cfg, ref)
		for done := 0; done < cfg.Tickets; {
			n := min(cfg.Batch, cfg.Tickets-done)
			select {
			case batches <- g.batch(done, n):
			case <-ctx.Done():
				return
			}
			done += n
		}
	}()
	var mu sync.Mutex
	errs := make(chan error, cfg.Writers)
	for range cfg.Writers {
		go func() {
			for b := range batches {
				if err := db.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, b) }); err != nil {
					cancel()
					errs <- fmt.Errorf("seed: write a batch of %d tickets: %w", len(b), err)
					return
				}
				mu.Lock()
				st.add(b)
				p.update(st.Tickets)
				mu.Unlock()
			}
			errs <- nil
		}()
	}
	var err error
	for range cfg.Writers {
		if e := <-errs; err == nil {
			err = e // the first failure; the others are its cancellation
		}
	}
	p.finish(st.Tickets)
	if err != nil {
		return err
	}
	return ctx.Err()
}

// add counts a written batch.
func (st *Stats) add(b []store.BulkTicket) {
	st.Tickets += len(b)
	for i := range b {
		st.Audits += len(b[i].Entries)
		for _, e := range b[i].Entries {
			if e.Comment != nil {
				st.Comments++
			}
		}
	}
}

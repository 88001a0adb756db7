package loadgen

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// CreateConfig is a closed-loop ticket-create run.
type CreateConfig struct {
	// Concurrency is the number of clients, each sending its next create as soon
	// as the previous one is answered.
	Concurrency int
	// Duration is how long to measure, after Warmup.
	Duration, Warmup time.Duration
	// Triggers is the number of active bench triggers to have in place first.
	Triggers int
	// KeepTriggers leaves the bench triggers in place after the run; otherwise
	// they are removed.
	KeepTriggers bool
	// Seed varies the generated tickets.
	Seed uint64
}

// RunCreate measures ticket creates through POST /api/v2/tickets.json. Notes
// about setup go to log.
func RunCreate(ctx context.Context, c *Client, cfg CreateConfig, log io.Writer) (Result, error) {
	cfg.Concurrency = max(cfg.Concurrency, 1)
	if cfg.Triggers > 0 {
		n, err := EnsureTriggers(ctx, c, cfg.Triggers)
		if err != nil {
			return Result{}, err
		}
		fmt.Fprintf(log, "bench: %d bench triggers active (%d created now)\n", cfg.Triggers, n)
		if !cfg.KeepTriggers {
			defer func() {
				if err := RemoveTriggers(context.WithoutCancel(ctx), c); err != nil {
					fmt.Fprintf(log, "bench: removing the bench triggers failed: %v\n", err)
				}
			}()
		}
	}
	bodies := createBodies(1024, cfg.Seed)
	rec := NewRecorder()
	start := time.Now()
	measureFrom, deadline := start.Add(cfg.Warmup), start.Add(cfg.Warmup+cfg.Duration)
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i += cfg.Concurrency {
				t0 := time.Now()
				if !t0.Before(deadline) {
					return
				}
				code, _ := c.Do(ctx, "POST", "/api/v2/tickets.json", bodies[i%len(bodies)], nil)
				if t0.After(measureFrom) && ctx.Err() == nil {
					rec.Record("create", time.Since(t0), code)
				}
			}
		})
	}
	wg.Wait()
	params := fmt.Sprintf("concurrency %d, %d active bench triggers, %d node(s)", cfg.Concurrency, cfg.Triggers, len(c.URLs()))
	return rec.Result("bench create", params, time.Since(measureFrom)), ctx.Err()
}

package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// MixConfig is an open-loop run of reads, updates and searches at a fixed rate.
type MixConfig struct {
	// Rate is the number of requests started per second, whatever the answers'
	// latency: a slow server faces a queue, as it would with real users.
	Rate float64
	// Duration is how long to measure, after Warmup.
	Duration, Warmup time.Duration
	// Read, Update and Search weigh the operations (e.g. 60/20/20).
	Read, Update, Search int
	// MaxInFlight caps concurrent requests; requests past it wait in the client,
	// and that wait counts in their latency.
	MaxInFlight int
	// Prepare is the number of tickets created before the run for the updates to
	// work on (seeded tickets may be closed, which refuses updates). Enough of them
	// keep conversations realistic: at 100 updates/s over 500 tickets, a ticket
	// gets a comment every ten seconds.
	Prepare int
	// Seed varies the generated requests.
	Seed uint64
	// ByQuery reports each search query as its own operation ("search: <query>").
	ByQuery bool
	// Queries, when set, are the searches sent instead of the built-in list
	// (searchQueries), so one query shape at a time can be measured.
	Queries []string
}

func (cfg *MixConfig) defaults() error {
	if cfg.Rate <= 0 {
		return errors.New("loadgen: --rate must be positive")
	}
	if cfg.Read < 0 || cfg.Update < 0 || cfg.Search < 0 || cfg.Read+cfg.Update+cfg.Search == 0 {
		return errors.New("loadgen: the mix weights must be 0 or more and not all 0")
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 512
	}
	if cfg.Prepare <= 0 {
		cfg.Prepare = 500
	}
	return nil
}

// MixTargets are the tickets and queries a mix run uses.
type MixTargets struct {
	ReadIDs   []int64
	UpdateIDs []int64
	searches  []string
	queries   []string // the query of each search, for ByQuery
	updates   [][]byte
}

// mixJob is one request to send at its intended time.
type mixJob struct {
	op       string
	method   string
	path     string
	body     []byte
	intended time.Time
}

// RunMix sends cfg.Rate requests per second for the warmup and the duration,
// and measures each from the moment it was meant to be sent (not when a worker
// got to it), so a stalled server shows in the latencies instead of silently
// lowering the load (coordinated omission).
func RunMix(ctx context.Context, c *Client, cfg MixConfig, tg *MixTargets) (Result, error) {
	if err := cfg.defaults(); err != nil {
		return Result{}, err
	}
	rec := NewRecorder()
	jobs := make(chan mixJob, cfg.MaxInFlight)
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	var wg sync.WaitGroup
	for range cfg.MaxInFlight {
		wg.Go(func() {
			for j := range jobs {
				code, _ := c.Do(ctx, j.method, j.path, j.body, nil)
				if !j.intended.Before(measureFrom) && ctx.Err() == nil {
					rec.Record(j.op, time.Since(j.intended), code)
				}
			}
		})
	}
	dispatch(ctx, jobs, &cfg, tg, start)
	close(jobs)
	wg.Wait()
	params := fmt.Sprintf("open loop at %.0f req/s, read/update/search %d/%d/%d, %d node(s)",
		cfg.Rate, cfg.Read, cfg.Update, cfg.Search, len(c.URLs()))
	return rec.Result("bench mix", params, cfg.Duration), ctx.Err()
}

// dispatch hands out one job per 1/rate seconds until the run ends.
func dispatch(ctx context.Context, jobs chan<- mixJob, cfg *MixConfig, tg *MixTargets, start time.Time) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 3))
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	end := start.Add(cfg.Warmup + cfg.Duration)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for k := 0; ; k++ {
		at := start.Add(time.Duration(k) * interval)
		if !at.Before(end) {
			return
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		j := tg.job(rng, cfg, k)
		j.intended = at
		select {
		case jobs <- j:
		case <-ctx.Done():
			return
		}
	}
}

// job picks the k-th request by the mix's weights.
func (tg *MixTargets) job(rng *rand.Rand, cfg *MixConfig, k int) mixJob {
	r := rng.IntN(cfg.Read + cfg.Update + cfg.Search)
	switch {
	case r < cfg.Read:
		id := tg.ReadIDs[rng.IntN(len(tg.ReadIDs))]
		return mixJob{op: "read", method: "GET", path: fmt.Sprintf("/api/v2/tickets/%d.json", id)}
	case r < cfg.Read+cfg.Update:
		id := tg.UpdateIDs[k%len(tg.UpdateIDs)]
		return mixJob{op: "update", method: "PUT", path: fmt.Sprintf("/api/v2/tickets/%d.json", id), body: tg.updates[k%len(tg.updates)]}
	}
	i := rng.IntN(len(tg.searches))
	op := "search"
	if cfg.ByQuery {
		op = "search: " + tg.queries[i]
	}
	return mixJob{op: op, method: "GET", path: tg.searches[i]}
}

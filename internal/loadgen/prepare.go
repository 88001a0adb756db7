package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// readSamplePages is how many batches of 100 random ticket ids are sampled
// for reads.
const readSamplePages = 10

// PrepareMix creates the tickets the updates work on and samples ticket ids for
// reads across the instance.
func PrepareMix(ctx context.Context, c *Client, cfg MixConfig) (*MixTargets, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	queries := searchQueries
	if len(cfg.Queries) > 0 {
		queries = cfg.Queries
	}
	tg := &MixTargets{searches: searchPaths(queries), queries: queries, updates: updateBodies(256, cfg.Seed)}
	for i, body := range createBodies(cfg.Prepare, cfg.Seed+1) {
		var out struct {
			Ticket struct {
				ID int64 `json:"id"`
			} `json:"ticket"`
		}
		if _, err := c.Do(ctx, "POST", "/api/v2/tickets.json", body, &out); err != nil {
			return nil, fmt.Errorf("loadgen: create ticket %d of %d for the updates: %w", i+1, cfg.Prepare, err)
		}
		tg.UpdateIDs = append(tg.UpdateIDs, out.Ticket.ID)
	}
	var newest int64
	if n := len(tg.UpdateIDs); n > 0 {
		newest = tg.UpdateIDs[n-1]
	}
	ids, err := sampleTicketIDs(ctx, c, rand.New(rand.NewPCG(cfg.Seed, 4)), newest)
	if err != nil {
		return nil, err
	}
	tg.ReadIDs = ids
	return tg, nil
}

// sampleTicketIDs picks ticket ids at random up to the newest (newest, or the
// count of tickets when it is 0) and keeps those show_many finds, so reads
// are spread over the whole table and not all of the newest tickets. Offset
// pages can't reach there: they stop at the first 10,000 records, as in Zendesk.
func sampleTicketIDs(ctx context.Context, c *Client, rng *rand.Rand, newest int64) ([]int64, error) {
	if newest <= 0 {
		var count struct {
			Count struct {
				Value int64 `json:"value"`
			} `json:"count"`
		}
		if _, err := c.Do(ctx, "GET", "/api/v2/tickets/count.json", nil, &count); err != nil {
			return nil, fmt.Errorf("loadgen: count tickets: %w", err)
		}
		newest = count.Count.Value
	}
	seen := map[int64]bool{}
	var ids []int64
	for range readSamplePages {
		if newest <= 0 {
			break
		}
		want := make([]string, 100)
		for i := range want {
			want[i] = strconv.FormatInt(1+rng.Int64N(newest), 10)
		}
		var list struct {
			Tickets []struct {
				ID int64 `json:"id"`
			} `json:"tickets"`
		}
		if _, err := c.Do(ctx, "GET", "/api/v2/tickets/show_many.json?ids="+strings.Join(want, ","), nil, &list); err != nil {
			return nil, fmt.Errorf("loadgen: sample ticket ids: %w", err)
		}
		for _, t := range list.Tickets {
			if !seen[t.ID] {
				seen[t.ID] = true
				ids = append(ids, t.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("loadgen: the instance has no tickets to read")
	}
	return ids, nil
}

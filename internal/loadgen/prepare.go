package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// readSamplePages is how many pages of 100 ticket ids are sampled for reads,
// spread over the whole id range so reads are not all of the newest tickets.
const readSamplePages = 10

// PrepareMix creates the tickets the updates work on and samples ticket ids for
// reads across the instance.
func PrepareMix(ctx context.Context, c *Client, cfg MixConfig) (*MixTargets, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	tg := &MixTargets{searches: searchPaths(), updates: updateBodies(256, cfg.Seed)}
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
	ids, err := sampleTicketIDs(ctx, c, rand.New(rand.NewPCG(cfg.Seed, 4)))
	if err != nil {
		return nil, err
	}
	tg.ReadIDs = ids
	return tg, nil
}

// sampleTicketIDs reads a few random pages of the ticket list.
func sampleTicketIDs(ctx context.Context, c *Client, rng *rand.Rand) ([]int64, error) {
	var count struct {
		Count struct {
			Value int64 `json:"value"`
		} `json:"count"`
	}
	if _, err := c.Do(ctx, "GET", "/api/v2/tickets/count.json", nil, &count); err != nil {
		return nil, fmt.Errorf("loadgen: count tickets: %w", err)
	}
	pages := max(1, int((count.Count.Value+99)/100))
	seen := map[int64]bool{}
	var ids []int64
	for range min(readSamplePages, pages) {
		var list struct {
			Tickets []struct {
				ID int64 `json:"id"`
			} `json:"tickets"`
		}
		path := fmt.Sprintf("/api/v2/tickets.json?per_page=100&page=%d", 1+rng.IntN(pages))
		if _, err := c.Do(ctx, "GET", path, nil, &list); err != nil {
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

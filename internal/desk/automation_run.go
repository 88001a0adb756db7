package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/store"
)

// AutomationActor is who automation changes are made by: Zendesk's system
// user, id -1. Its changes run the triggers like any other update.
var AutomationActor = model.User{ID: -1, Name: "Automation", Role: model.RoleAdmin}

// viaRule is the audit channel of automation changes, Zendesk's "rule".
const viaRule = "rule"

// A run writes the matching tickets in transactions of up to
// automationTxBudget each, reading and judging them inside the transaction in
// chunks of automationChunk. Closing a ticket rewrites entries in a dozen
// indexes; a transaction of many tickets writes each dirtied index page to the
// WAL once for all of them (at 200,000 tickets 1,000 a transaction took 25%
// less CPU than 100, docs/benchmarks.md). The budget ends a transaction once
// it held the single writer that long, so the API's writes wait at most about
// that long behind a backlog run; it is checked between chunks, so no ticket
// is read without being judged and written in the same transaction. Judging
// a page on a read connection first, then reading it again inside, and again
// in the next transaction for what the budget cut off (on a loaded machine
// most of it) took 58.3 s of CPU for a 1M backlog where this takes 51.1 s
// (docs/benchmarks.md).
const (
	automationChunk    = 100
	automationTxBudget = 250 * time.Millisecond
)

// RunAutomations runs the active automations once over the open tickets they
// can match. Candidates come from one indexed range scan per automation (its
// most selective time condition), not from a scan of every ticket; each is
// read, judged and, if it matches, updated in one write transaction, which
// runs the triggers and writes the audit. The caller makes sure one node runs
// it at a time.
func (s *Service) RunAutomations(ctx context.Context) (model.AutomationStats, error) {
	var st model.AutomationStats
	now := s.clock()
	read := s.db.Read()
	list, err := read.ListAutomations(ctx, true)
	if err != nil {
		return st, err
	}
	set := rules.CompileAutomations(list)
	if set.Len() == 0 {
		return st, nil
	}
	var ranges []store.ClockRange
	for _, w := range set.Windows(now) {
		ranges = append(ranges, store.ClockRange{Clock: string(w.Clock), Min: w.Min, Max: w.Max})
	}
	ids, err := read.AutomationCandidates(ctx, ranges)
	if err != nil {
		return st, err
	}
	st.Candidates = len(ids)
	for len(ids) > 0 {
		done, updated, fired, err := s.applyAutomations(ctx, set, ids, now)
		if err != nil {
			return st, err
		}
		ids = ids[done:]
		st.Updated += updated
		st.Fired += fired
		st.Transactions++
	}
	return st, nil
}

// automationInputs is what judging a set of tickets needs.
type automationInputs struct {
	tickets []model.Ticket
	clocks  map[int64]model.TicketClocks
	fires   map[[2]int64]time.Time
}

func loadAutomationInputs(ctx context.Context, q *store.Queries, ids []int64, now time.Time) (automationInputs, error) {
	var in automationInputs
	var err error
	if in.tickets, err = q.TicketsByIDs(ctx, ids); err != nil {
		return in, err
	}
	if in.clocks, err = q.TicketClocks(ctx, ids, now); err != nil {
		return in, err
	}
	in.fires, err = q.AutomationFires(ctx, ids)
	return in, err
}

// judge runs the set over a copy of t and returns which automations fire.
func (in *automationInputs) judge(set *rules.AutomationSet, env rules.Env, t *model.Ticket, now time.Time) []int64 {
	clocks, ok := in.clocks[t.ID]
	if !ok || t.Status == model.StatusClosed || t.HasTag(peer.TagEscalationInFlight) {
		return nil
	}
	// An automation that fired on the ticket fires again only after it changed.
	skip := func(id int64) bool {
		at, fired := in.fires[[2]int64{id, t.ID}]
		return fired && at.Equal(t.UpdatedAt)
	}
	return set.Apply(t, clocks, now, env, AutomationActor, skip).Fired
}

// applyAutomations judges ids in one transaction, a chunk at a time on what
// the transaction reads, and updates the matching ones, until all of ids or
// automationTxBudget is used up; done says how many of ids it dealt with.
func (s *Service) applyAutomations(ctx context.Context, set *rules.AutomationSet, ids []int64, now time.Time) (done, updated, fired int, err error) {
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		done, updated, fired = 0, 0, 0
		start := s.now() // the desk's clock, which a test can speed up
		snap, err := s.rulesFor(ctx, tx)
		if err != nil {
			return err
		}
		env := rules.Env{Fields: snap.byID}
		for done < len(ids) && (done == 0 || s.now().Sub(start) <= automationTxBudget) {
			chunk := ids[done:min(done+automationChunk, len(ids))]
			// Another node's run (of a later period, while this one still
			// runs) may judge the same tickets: whichever locks them second
			// reads the first one's change and fire, and skips.
			if err := tx.LockTickets(ctx, chunk); err != nil {
				return err
			}
			in, err := loadAutomationInputs(ctx, &tx.Queries, chunk, now)
			if err != nil {
				return err
			}
			for i := range in.tickets {
				before := in.tickets[i]
				t := before.Clone()
				autos := in.judge(set, env, &t, now)
				if len(autos) == 0 {
					continue
				}
				t.UpdatedAt = now
				res, err := s.commitChange(ctx, tx, snap, AutomationActor, &before, &t, nil, viaRule)
				if err != nil {
					return fmt.Errorf("desk: automation on ticket %d: %w", t.ID, err)
				}
				// A closed ticket is never judged again: no fire to remember.
				if res.Ticket.Status != model.StatusClosed {
					for _, id := range autos {
						if err := tx.RecordAutomationFire(ctx, id, t.ID, res.Ticket.UpdatedAt); err != nil {
							return err
						}
					}
				}
				updated++
				fired += len(autos)
			}
			done += len(chunk)
		}
		return nil
	})
	return done, updated, fired, err
}

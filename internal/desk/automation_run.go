package desk

import (
	"context"
	"fmt"
	"slices"
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

// automationPage is how many candidate tickets are read and judged at once,
// and at most how many matching ones one write transaction updates. Closing a
// ticket rewrites entries in a dozen indexes at random places; a transaction
// of 1,000 tickets writes each dirtied index page to the WAL once for many
// tickets, where one of 100 wrote it again and again (at 200,000 tickets the
// backlog run took 25% less CPU, docs/benchmarks.md). automationTxBudget ends
// a transaction early once it held the single writer that long, so the API's
// writes wait at most about that long behind a backlog run.
const (
	automationPage     = 1000
	automationTxBudget = 250 * time.Millisecond
)

// RunAutomations runs the active automations once over the open tickets they
// can match. Candidates come from one indexed range scan per automation (its
// most selective time condition), not from a scan of every ticket; each is
// judged on a read connection, and only the matching ones are updated, each in
// the write transaction that re-judges it on fresh data, runs the triggers and
// writes the audit. The caller makes sure one node runs it at a time.
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
	env, err := fieldEnv(ctx, read)
	if err != nil {
		return st, err
	}
	for start := 0; start < len(ids); start += automationPage {
		page := ids[start:min(start+automationPage, len(ids))]
		matching, err := s.judgeAutomations(ctx, read, set, env, page, now)
		if err != nil {
			return st, err
		}
		for len(matching) > 0 {
			done, updated, fired, err := s.applyAutomations(ctx, set, matching, now)
			if err != nil {
				return st, err
			}
			matching = matching[done:]
			st.Updated += updated
			st.Fired += fired
		}
	}
	return st, nil
}

func fieldEnv(ctx context.Context, q *store.Queries) (rules.Env, error) {
	fields, err := q.ListFields(ctx)
	if err != nil {
		return rules.Env{}, err
	}
	byID := make(map[int64]*model.TicketField, len(fields))
	for i := range fields {
		byID[fields[i].ID] = &fields[i]
	}
	return rules.Env{Fields: byID}, nil
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

// judgeAutomations returns the ids of the tickets in page some automation fires on.
func (s *Service) judgeAutomations(ctx context.Context, q *store.Queries, set *rules.AutomationSet, env rules.Env, page []int64, now time.Time) ([]int64, error) {
	in, err := loadAutomationInputs(ctx, q, page, now)
	if err != nil {
		return nil, err
	}
	var out []int64
	for i := range in.tickets {
		t := in.tickets[i].Clone()
		if len(in.judge(set, env, &t, now)) > 0 {
			out = append(out, t.ID)
		}
	}
	return out, nil
}

// applyAutomations updates matching tickets in one transaction, judging each
// again on what the transaction reads, until all of ids or automationTxBudget
// is used up; done says how many of ids it dealt with.
func (s *Service) applyAutomations(ctx context.Context, set *rules.AutomationSet, ids []int64, now time.Time) (done, updated, fired int, err error) {
	err = s.db.WriteTx(ctx, func(tx *store.Tx) error {
		done, updated, fired = len(ids), 0, 0
		start := s.now() // the desk's clock, which a test can speed up
		// Another node's run (of a later period, while this one still runs)
		// may judge the same tickets: whichever locks them second reads the
		// first one's change and fire, and skips.
		if err := tx.LockTickets(ctx, ids); err != nil {
			return err
		}
		snap, err := s.rulesFor(ctx, tx)
		if err != nil {
			return err
		}
		in, err := loadAutomationInputs(ctx, &tx.Queries, ids, now)
		if err != nil {
			return err
		}
		env := rules.Env{Fields: snap.byID}
		for i := range in.tickets {
			if i > 0 && s.now().Sub(start) > automationTxBudget {
				// The rest goes to the next transaction: tickets come
				// sorted by id, so done is where the rest starts.
				done, _ = slices.BinarySearch(ids, in.tickets[i].ID)
				return nil
			}
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
			for _, id := range autos {
				if err := tx.RecordAutomationFire(ctx, id, t.ID, res.Ticket.UpdatedAt); err != nil {
					return err
				}
			}
			updated++
			fired += len(autos)
		}
		return nil
	})
	return done, updated, fired, err
}

package desk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
	"github.com/twindesk/twindesk/internal/seed"
	"github.com/twindesk/twindesk/internal/store"
)

// TestViewsMatchTriggerConditions: a view runs as SQL, a trigger's conditions
// in Go; on the same seeded tickets, 60 random views built from the same
// conditions select exactly the tickets a trigger with those conditions would
// match, on both backends (count and list).
func TestViewsMatchTriggerConditions(t *testing.T) {
	t.Parallel()
	for _, backend := range apitest.Backends {
		t.Run(string(backend), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, backend)
			ctx := context.Background()
			d, db := env.Instance.Desk, env.Instance.DB
			_, err := seed.Run(ctx, db, seed.Config{Tickets: 1500, Agents: 6, Seed: 7}, nil)
			require.NoError(t, err)
			read := db.Read()
			tickets, err := read.ListTickets(ctx, store.TicketFilter{}, store.Page{Limit: 100000})
			require.NoError(t, err)
			staff, err := read.ListStaff(ctx)
			require.NoError(t, err)
			groups, err := read.ListAllGroups(ctx)
			require.NoError(t, err)
			agent := staff[len(staff)-1]
			tags := map[string]bool{}
			for _, tk := range tickets[:200] {
				for _, tag := range tk.Tags {
					tags[tag] = true
				}
			}
			tagList := slices.Sorted(func(yield func(string) bool) {
				for tag := range tags {
					if !yield(tag) {
						return
					}
				}
			})
			require.NotEmpty(t, tagList)
			cond := func(field, op, value string) model.Condition {
				return model.Condition{Field: field, Operator: op, Value: value}
			}
			id := func(n int64) string { return strconv.FormatInt(n, 10) }
			g, a := id(groups[0].ID), id(agent.ID)
			atoms := []model.Condition{
				cond("status", "is", "open"), cond("status", "is", "pending"), cond("status", "is_not", "new"),
				cond("status", "less_than", "pending"), cond("status", "greater_than", "new"),
				cond("priority", "is", "urgent"), cond("priority", "is", ""), cond("priority", "less_than", "high"),
				cond("priority", "greater_than", "low"), cond("priority", "is_not", "normal"),
				cond("type", "is", "incident"), cond("type", "is_not", "question"), cond("type", "is", ""),
				cond("group_id", "is", g), cond("group_id", "is_not", g), cond("group_id", "is", ""), cond("group_id", "present", ""),
				cond("assignee_id", "is", "current_user"), cond("assignee_id", "is", ""), cond("assignee_id", "is_not", a),
				cond("assignee_id", "not_present", ""), cond("assignee_id", "is", id(staff[0].ID)),
				cond("requester_id", "is", id(tickets[3].RequesterID)),
				cond("current_tags", "includes", tagList[0]+" "+tagList[len(tagList)-1]),
				cond("current_tags", "not_includes", tagList[len(tagList)/2]),
			}
			rng := rand.New(rand.NewPCG(19, 19))
			pick := func(n int) []model.Condition {
				var out []model.Condition
				for range n {
					out = append(out, atoms[rng.IntN(len(atoms))])
				}
				return out
			}
			matched := 0
			for i := range 60 {
				// Closed tickets never fire triggers; views leave them out here too.
				conds := model.Conditions{All: append(pick(1+rng.IntN(2)), model.Condition{Field: "status", Operator: "less_than", Value: "closed"}),
					Any: pick(rng.IntN(3))}
				v, err := d.SaveTicketView(ctx, agent, model.View{Title: fmt.Sprint("v", i), Active: true, Conditions: conds})
				require.NoError(t, err, "%+v", conds)
				set := rules.Compile([]model.Trigger{{ID: 1, Active: true, Conditions: conds,
					Actions: []model.Action{{Field: "current_tags", Value: []string{"x"}}}}})
				var want []int64
				for _, tk := range tickets {
					before, after := tk.Clone(), tk.Clone()
					if len(set.Run(&model.Change{Before: &before, After: &after, Actor: agent}, rules.Env{}).Fired) > 0 {
						want = append(want, tk.ID)
					}
				}
				n, err := d.CountTicketView(ctx, agent, &v)
				require.NoError(t, err)
				page, err := d.RunTicketView(ctx, agent, v.ID, &store.ViewSort{By: "id"}, 100000, 0)
				require.NoError(t, err)
				var got []int64
				for _, tk := range page.Tickets {
					got = append(got, tk.ID)
				}
				require.Equal(t, int64(len(want)), n, "count of %+v", conds)
				require.Equal(t, want, got, "tickets of %+v", conds)
				if len(want) > 0 {
					matched++
				}
			}
			require.Greater(t, matched, 30, "most random views select some tickets, so the comparison means something")
		})
	}
}

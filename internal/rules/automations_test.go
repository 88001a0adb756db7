package rules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

func closeSolved() model.Automation {
	return model.Automation{ID: 1, Title: "Close", Active: true,
		Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "solved"), cond("hours_since_solved", "greater_than", "96")}},
		Actions:    []model.Action{action("status", "closed")}}
}

func TestValidateAutomation(t *testing.T) {
	ok := closeSolved()
	require.NoError(t, rules.ValidateAutomation(&ok))
	cases := map[string]model.Automation{
		"no time condition": {Title: "x", Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "solved")}},
			Actions: []model.Action{action("status", "closed")}},
		"nothing nullified": {Title: "x", Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "solved"), cond("hours_since_solved", "greater_than", "1")}},
			Actions: []model.Action{action("priority", "high")}},
		"fractional hours": {Title: "x", Conditions: model.Conditions{All: []model.Condition{cond("hours_since_solved", "greater_than", "1.5")}},
			Actions: []model.Action{action("status", "closed")}},
		"about a change": {Title: "x", Conditions: model.Conditions{All: []model.Condition{cond("status", "changed", ""), cond("hours_since_created", "is", "3")}},
			Actions: []model.Action{action("status", "closed")}},
		"time in any": {Title: "x", Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "open")}, Any: []model.Condition{cond("hours_since_created", "is", "3")}},
			Actions: []model.Action{action("status", "pending")}},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			var v *model.ValidationError
			require.ErrorAs(t, rules.ValidateAutomation(&a), &v)
		})
	}
	// Nullified by tags, by leaving a status or by ordering.
	for _, a := range []model.Automation{
		{Title: "tag", Conditions: model.Conditions{All: []model.Condition{cond("hours_since_updated", "greater_than", "24"), cond("current_tags", "not_includes", "stale")}},
			Actions: []model.Action{action("current_tags", "stale")}},
		{Title: "pending", Conditions: model.Conditions{All: []model.Condition{cond("hours_since_pending", "greater_than", "24")}},
			Actions: []model.Action{action("status", "solved")}},
		{Title: "order", Conditions: model.Conditions{All: []model.Condition{cond("hours_since_created", "greater_than", "24"), cond("priority", "less_than", "high")}},
			Actions: []model.Action{action("priority", "urgent")}},
	} {
		require.NoError(t, rules.ValidateAutomation(&a), a.Title)
	}
}

// TestAutomationWindows checks the hour arithmetic: whole hours elapsed, as
// Zendesk counts them, and the window that selects candidates agrees with it.
func TestAutomationWindows(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	a := closeSolved()
	set := rules.CompileAutomations([]model.Automation{a})
	w := set.Windows(now)
	require.Len(t, w, 1)
	require.Equal(t, rules.ClockSolved, w[0].Clock, "the sparse solved clock is the candidate index")
	require.True(t, w[0].Min.IsZero())
	require.Equal(t, now.Add(-97*time.Hour), w[0].Max, "greater than 96 whole hours means at least 97")
	for _, tc := range []struct {
		ago  time.Duration
		fire bool
	}{{96 * time.Hour, false}, {96*time.Hour + 59*time.Minute, false}, {97 * time.Hour, true}, {200 * time.Hour, true}} {
		tk := model.Ticket{ID: 7, Status: model.StatusSolved}
		clk := model.TicketClocks{TicketID: 7, Solved: now.Add(-tc.ago)}
		res := set.Apply(&tk, clk, now, rules.Env{}, model.User{ID: -1}, nil)
		require.Equal(t, tc.fire, len(res.Fired) == 1, tc.ago)
		require.Equal(t, tc.fire, w[0].Contains(clk.Solved), "window and evaluation agree at %v", tc.ago)
		if tc.fire {
			require.Equal(t, model.StatusClosed, tk.Status)
		}
	}
	// "is 3" holds for three whole hours, not four.
	is3 := model.Automation{ID: 2, Title: "is", Active: true,
		Conditions: model.Conditions{All: []model.Condition{cond("hours_since_created", "is", "3"), cond("current_tags", "not_includes", "x")}},
		Actions:    []model.Action{action("current_tags", "x")}}
	set = rules.CompileAutomations([]model.Automation{is3})
	for ago, want := range map[time.Duration]bool{3 * time.Hour: true, 3*time.Hour + 59*time.Minute: true, 4 * time.Hour: false, 2*time.Hour + 59*time.Minute: false} {
		tk := model.Ticket{ID: 8, Status: model.StatusOpen}
		res := set.Apply(&tk, model.TicketClocks{Created: now.Add(-ago)}, now, rules.Env{}, model.User{ID: -1}, nil)
		require.Equal(t, want, len(res.Fired) == 1, ago)
	}
}

// TestAutomationsRunInOrder: a later automation sees the earlier one's change,
// skip rules one out, and a closed ticket stops the run.
func TestAutomationsRunInOrder(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	first := model.Automation{ID: 5, Title: "solve", Active: true, Position: 1,
		Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "pending"), cond("hours_since_pending", "greater_than", "10")}},
		Actions:    []model.Action{action("status", "solved")}}
	second := model.Automation{ID: 6, Title: "tag solved", Active: true, Position: 2,
		Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "solved"), cond("hours_since_created", "greater_than", "1"), cond("current_tags", "not_includes", "auto")}},
		Actions:    []model.Action{action("current_tags", "auto")}}
	set := rules.CompileAutomations([]model.Automation{second, first})
	clk := model.TicketClocks{Created: now.Add(-48 * time.Hour), Pending: now.Add(-24 * time.Hour)}
	tk := model.Ticket{ID: 1, Status: model.StatusPending}
	res := set.Apply(&tk, clk, now, rules.Env{}, model.User{ID: -1}, nil)
	require.Equal(t, []int64{5, 6}, res.Fired)
	require.True(t, tk.HasTag("auto"))

	tk = model.Ticket{ID: 1, Status: model.StatusPending}
	res = set.Apply(&tk, clk, now, rules.Env{}, model.User{ID: -1}, func(id int64) bool { return id == 5 })
	require.Empty(t, res.Fired, "with the first skipped the ticket stays pending")
}

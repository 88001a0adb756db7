package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

func webhook(body string) model.Action { return action("notification_webhook", "hook", body) }

func TestRunLoop(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		triggers []model.Trigger
		ch       *model.Change
		fired    []int64
		tags     []string
	}{
		{
			// B sits before A but only matches after A's action: the restart finds it.
			name: "earlier trigger enabled by a later one",
			triggers: []model.Trigger{
				trig(1, []model.Condition{cond("current_tags", "includes", "a_done")}, action("current_tags", "b_done")),
				trig(2, []model.Condition{always}, action("current_tags", "a_done")),
			},
			ch: update(nil), fired: []int64{2, 1},
			tags: []string{"alpha", "beta", "cat_a", "a_done", "b_done"},
		},
		{
			name: "ping-pong ends with each firing once",
			triggers: []model.Trigger{
				trig(1, []model.Condition{cond("current_tags", "includes", "y")},
					action("current_tags", "x"), action("remove_tags", "y")),
				trig(2, []model.Condition{cond("current_tags", "includes", "x")},
					action("current_tags", "y"), action("remove_tags", "x")),
			},
			ch:    update(func(t *model.Ticket) { t.Tags = []string{"y"} }),
			fired: []int64{1, 2}, tags: []string{"y"},
		},
		{
			name: "unconditional ping-pong ends too",
			triggers: []model.Trigger{
				trig(1, []model.Condition{always}, action("set_tags", "x")),
				trig(2, []model.Condition{always}, action("set_tags", "y")),
			},
			ch: update(nil), fired: []int64{1, 2}, tags: []string{"y"},
		},
		{
			name: "no change means no restart",
			triggers: []model.Trigger{
				trig(1, []model.Condition{cond("current_tags", "includes", "late")}, webhook("1")),
				trig(2, []model.Condition{always}, webhook("2")),
				trig(3, []model.Condition{always}, action("status", "open")), // already open
			},
			ch: update(nil), fired: []int64{2, 3}, tags: []string{"alpha", "beta", "cat_a"},
		},
		{
			name: "conditions see earlier actions",
			triggers: []model.Trigger{
				trig(1, []model.Condition{always}, action("status", "solved")),
				trig(2, []model.Condition{cond("status", "value", "solved")}, action("current_tags", "was_solved")),
			},
			ch: update(nil), fired: []int64{1, 2},
			tags: []string{"alpha", "beta", "cat_a", "was_solved"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := rules.Run(tc.triggers, tc.ch, testEnv())
			require.Equal(t, tc.fired, res.Fired)
			require.Equal(t, tc.tags, tc.ch.After.Tags)
		})
	}
}

func TestRunFiresEachTriggerAtMostOnce(t *testing.T) {
	t.Parallel()
	statuses := []string{"pending", "open", "hold", "solved", "open", "pending"}
	var trs []model.Trigger
	for i, s := range statuses {
		trs = append(trs, trig(int64(i+1), []model.Condition{always}, action("status", s), webhook(s)))
	}
	res := rules.Run(trs, update(nil), testEnv())
	require.ElementsMatch(t, []int64{1, 2, 3, 4, 5, 6}, res.Fired)
	require.Len(t, res.Notifications, len(statuses))
}

func TestRunOrderAndActive(t *testing.T) {
	t.Parallel()
	a := trig(5, []model.Condition{always}, webhook("a"))
	a.Position = 1
	b := trig(3, []model.Condition{always}, webhook("b"))
	b.Position = 1 // same position: lower id first
	c := trig(1, []model.Condition{always}, webhook("c"))
	c.Position = 2
	off := trig(2, []model.Condition{always}, webhook("off"))
	off.Active = false
	res := rules.Run([]model.Trigger{c, off, a, b}, update(nil), testEnv())
	require.Equal(t, []int64{3, 5, 1}, res.Fired)
}

func TestRunClosedTickets(t *testing.T) {
	t.Parallel()
	closed := func(t *model.Ticket) { t.Status = model.StatusClosed }
	cases := []struct {
		name  string
		ch    *model.Change
		fires bool
	}{
		{"already closed", &model.Change{Before: ptr(closedTicket()), After: ptr(closedTicket()), Actor: agent}, false},
		{"being closed", update(closed), true},
		{"created closed", create(closed), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := trig(1, []model.Condition{cond("status", "is", "closed")}, action("current_tags", "seen"))
			res := rules.Run([]model.Trigger{tr}, tc.ch, testEnv())
			require.Equal(t, tc.fires, len(res.Fired) == 1)
			require.Equal(t, tc.fires, tc.ch.After.HasTag("seen"))
		})
	}
}

func closedTicket() model.Ticket {
	t := baseTicket()
	t.Status = model.StatusClosed
	return t
}

func TestRunNotificationOrder(t *testing.T) {
	t.Parallel()
	trs := []model.Trigger{
		trig(1, []model.Condition{cond("current_tags", "includes", "go")}, webhook("B")),
		trig(2, []model.Condition{always}, webhook("A"), action("current_tags", "go")),
		trig(3, []model.Condition{always}, webhook("C"), webhook("C")),
		trig(4, []model.Condition{always}, webhook("C")),
	}
	res := rules.Run(trs, update(nil), testEnv())
	require.Equal(t, []int64{2, 1, 3, 4}, res.Fired)
	var got []string
	var from []int64
	for _, n := range res.Notifications {
		got, from = append(got, n.Body), append(from, n.TriggerID)
	}
	require.Equal(t, []string{"A", "B", "C", "C", "C"}, got, "same body from several triggers is not deduplicated")
	require.Equal(t, []int64{2, 1, 3, 3, 4}, from)
}

func TestRunEventsNameTheirTrigger(t *testing.T) {
	t.Parallel()
	trs := []model.Trigger{
		trig(7, []model.Condition{cond("status", "is", "open")}, action("status", "pending")),
		trig(9, []model.Condition{cond("status", "is", "pending")}, action("priority", "high")),
	}
	res := rules.Run(trs, update(nil), testEnv())
	require.Equal(t, []model.AuditEvent{
		{Type: "Change", FieldName: "status", Value: "pending", PreviousValue: "open", ViaTriggerID: 7},
		{Type: "Change", FieldName: "priority", Value: "high", PreviousValue: "normal", ViaTriggerID: 9},
	}, res.Events)
}

func TestRunNothingToDo(t *testing.T) {
	t.Parallel()
	require.Empty(t, rules.Run(nil, update(nil), testEnv()).Fired)
	require.Empty(t, rules.Run([]model.Trigger{trig(1, []model.Condition{always}, webhook("x"))},
		&model.Change{}, testEnv()).Fired)
}

func TestCompiledSetIsReusable(t *testing.T) {
	t.Parallel()
	set := rules.Compile([]model.Trigger{
		trig(1, []model.Condition{cond("status", "is", "open")}, action("status", "pending")),
		trig(2, []model.Condition{always}, webhook("x")),
	})
	require.Equal(t, 2, set.Len())
	for range 3 {
		ch := update(nil)
		res := set.Run(ch, testEnv())
		require.Equal(t, []int64{1, 2}, res.Fired)
		require.Equal(t, model.StatusPending, ch.After.Status)
	}
}

// The common update fires nothing; it must cost no allocation with a compiled set.
// Not parallel: AllocsPerRun counts every allocation in the process.
func TestRunWithoutFiringDoesNotAllocate(t *testing.T) {
	set := rules.Compile(benchTriggers(200))
	ch := withComment(update(nil), "nothing to see", true)
	env := testEnv()
	allocs := testing.AllocsPerRun(100, func() {
		if len(set.Run(ch, env).Fired) != 0 {
			t.Fatal("nothing should fire")
		}
	})
	require.Zero(t, allocs)
}

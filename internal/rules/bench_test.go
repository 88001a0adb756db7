package rules_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// benchTriggers builds n active triggers shaped like a real account's: a few
// conditions each, most failing on a tag, one in 25 matching the benchmark update
// and adding a tag, so the loop restarts n/25 times.
func benchTriggers(n int) []model.Trigger {
	trs := make([]model.Trigger, n)
	for i := range trs {
		route := "route_" + strconv.Itoa(i)
		if i%25 == 0 {
			route = "vip_route"
		}
		trs[i] = model.Trigger{
			ID: int64(i + 1), Title: fmt.Sprintf("trigger %d", i), Active: true, Position: int64(n - i),
			Conditions: model.Conditions{
				All: []model.Condition{
					cond("update_type", "is", "Change"),
					cond("status", "less_than", "solved"),
					cond("current_tags", "includes", route+" other_"+strconv.Itoa(i)),
					cond("current_tags", "not_includes", "done_"+strconv.Itoa(i)),
				},
				Any: []model.Condition{
					cond("group_id", "is", strconv.Itoa(1000+i)),
					cond("comment_includes_word", "includes", "word"+strconv.Itoa(i)+" refund"),
				},
			},
			Actions: []model.Action{
				action("current_tags", "done_"+strconv.Itoa(i)),
				action("notification_webhook", "01FMJQSY40HZBCBVPZB9212S8V", `{"ticket": {{ticket.id}}}`),
			},
		}
	}
	return trs
}

func BenchmarkRun(b *testing.B) {
	env := testEnv()
	before := baseTicket()
	before.Tags = append(before.Tags, "vip_route")
	for _, n := range []int{50, 200} {
		trs := benchTriggers(n)
		set := rules.Compile(trs)
		newChange := func() *model.Change {
			after := before.Clone()
			return &model.Change{
				Before: &before, After: &after, Actor: agent,
				Comment: &model.Comment{Body: "The customer asks for a Refund of order 1234.", Public: true},
			}
		}
		require.Len(b, rules.Run(trs, newChange(), env).Fired, (n+24)/25)

		b.Run(fmt.Sprintf("triggers=%d/compile+run", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rules.Run(trs, newChange(), env)
			}
		})
		b.Run(fmt.Sprintf("triggers=%d/compiled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				set.Run(newChange(), env)
			}
		})
	}
}

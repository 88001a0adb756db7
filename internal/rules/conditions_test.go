package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
)

type condCase struct {
	name string
	c    model.Condition
	ch   *model.Change
	want bool
}

func TestConditionsTicketFields(t *testing.T) {
	t.Parallel()
	solved := func(t *model.Ticket) { t.Status = model.StatusSolved }
	unassigned := func(t *model.Ticket) { t.AssigneeID, t.GroupID = 0, 0 }
	runCondCases(t, []condCase{
		{"update_type create on create", cond("update_type", "is", "Create"), create(nil), true},
		{"update_type create on update", cond("update_type", "is", "Create"), update(nil), false},
		{"update_type change on update", cond("update_type", "is", "Change"), update(nil), true},
		{"update_type is_not create", cond("update_type", "is_not", "Create"), update(nil), true},

		{"status is", cond("status", "is", "open"), update(nil), true},
		{"status is other", cond("status", "is", "pending"), update(nil), false},
		{"status is_not", cond("status", "is_not", "pending"), update(nil), true},
		{"status less_than", cond("status", "less_than", "pending"), update(nil), true},
		{"status less_than equal", cond("status", "less_than", "open"), update(nil), false},
		{"status greater_than", cond("status", "greater_than", "new"), update(nil), true},
		{"status greater_than higher", cond("status", "greater_than", "solved"), update(nil), false},
		{"status changed", cond("status", "changed", ""), update(solved), true},
		{"status changed unchanged", cond("status", "changed", ""), update(nil), false},
		{"status changed on create", cond("status", "changed", ""), create(nil), true},
		{"status not_changed", cond("status", "not_changed", ""), update(nil), true},
		{"status not_changed changed", cond("status", "not_changed", ""), update(solved), false},
		{"status value", cond("status", "value", "solved"), update(solved), true},
		{"status value other", cond("status", "value", "pending"), update(solved), false},
		{"status value unchanged", cond("status", "value", "open"), update(nil), false},
		{"status value_previous", cond("status", "value_previous", "open"), update(solved), true},
		{"status value_previous other", cond("status", "value_previous", "new"), update(solved), false},
		{"status not_value", cond("status", "not_value", "pending"), update(solved), true},
		{"status not_value same", cond("status", "not_value", "solved"), update(solved), false},
		{"status not_value unchanged", cond("status", "not_value", "pending"), update(nil), false},
		{"status not_value_previous", cond("status", "not_value_previous", "new"), update(solved), true},
		{"status not_value_previous same", cond("status", "not_value_previous", "open"), update(solved), false},
		{"status less_than bad value", cond("status", "greater_than", "bogus"), update(nil), false},

		{"priority is", cond("priority", "is", "normal"), update(nil), true},
		{"priority less_than", cond("priority", "less_than", "high"), update(nil), true},
		{"priority greater_than", cond("priority", "greater_than", "urgent"), update(nil), false},
		{"priority greater_than low", cond("priority", "greater_than", "low"), update(nil), true},
		{"priority unset is not ordered", cond("priority", "less_than", "high"),
			update(func(t *model.Ticket) { t.Priority = "" }), false},
		{"priority value", cond("priority", "value", "urgent"),
			update(func(t *model.Ticket) { t.Priority = "urgent" }), true},

		{"type is", cond("type", "is", "question"), update(nil), true},
		{"type is unset", cond("type", "is", ""), update(nil), false},
		{"type is_not", cond("type", "is_not", "task"), update(nil), true},
		{"type changed", cond("type", "changed", ""), update(func(t *model.Ticket) { t.Type = "task" }), true},

		{"group is", cond("group_id", "is", "300"), update(nil), true},
		{"group is none", cond("group_id", "is", ""), update(nil), false},
		{"group is none unassigned", cond("group_id", "is", ""), update(unassigned), true},
		{"group present", cond("group_id", "present", ""), update(nil), true},
		{"group present unassigned", cond("group_id", "present", ""), update(unassigned), false},
		{"group not_present", cond("group_id", "not_present", ""), update(unassigned), true},
		{"group changed", cond("group_id", "changed", ""), update(func(t *model.Ticket) { t.GroupID = 301 }), true},
		{"group value_previous", cond("group_id", "value_previous", "300"), update(unassigned), true},
		{"group not_value_previous", cond("group_id", "not_value_previous", "300"), update(unassigned), false},

		{"assignee is current_user", cond("assignee_id", "is", "current_user"), update(nil), true},
		{"assignee is_not current_user", cond("assignee_id", "is_not", "current_user"),
			withActor(update(nil), model.User{ID: 201, Role: model.RoleAgent}), true},
		{"assignee is requester_id", cond("assignee_id", "is", "requester_id"),
			update(func(t *model.Ticket) { t.AssigneeID = 100 }), true},
		{"assignee is requester_id other", cond("assignee_id", "is", "requester_id"), update(nil), false},
		{"assignee not_present", cond("assignee_id", "not_present", ""), update(unassigned), true},
		{"assignee value current_user", cond("assignee_id", "value", "current_user"),
			&model.Change{Before: ptr(withAssignee(0)), After: ptr(withAssignee(200)), Actor: agent}, true},
		{"assignee not_value", cond("assignee_id", "not_value", "5"), update(unassigned), true},

		{"requester is", cond("requester_id", "is", "100"), update(nil), true},
		{"requester is current_user", cond("requester_id", "is", "current_user"),
			withActor(update(nil), model.User{ID: 100, Role: model.RoleEndUser}), true},
		{"form is", cond("ticket_form_id", "is", "400"), update(nil), true},
		{"form changed", cond("ticket_form_id", "changed", ""), update(func(t *model.Ticket) { t.TicketFormID = 401 }), true},
		{"form present", cond("ticket_form_id", "present", ""), update(nil), true},
	})
}

func TestConditionsCustomFields(t *testing.T) {
	t.Parallel()
	runCondCases(t, []condCase{
		{"text is", cond("custom_fields_10", "is", "hello"), update(nil), true},
		{"text is_not", cond("custom_fields_10", "is_not", "hello"), update(nil), false},
		{"text changed", cond("custom_fields_10", "changed", ""), update(setField(fText, "bye")), true},
		{"text value", cond("custom_fields_10", "value", "bye"), update(setField(fText, "bye")), true},
		{"text value_previous", cond("custom_fields_10", "value_previous", "hello"), update(setField(fText, "bye")), true},
		{"text present", cond("custom_fields_10", "present", ""), update(nil), true},
		{"text not_present", cond("custom_fields_10", "not_present", ""), update(setField(fText, "")), true},
		{"checkbox unset is false", cond("custom_fields_11", "is", "false"), update(nil), true},
		{"checkbox stored false is false", cond("custom_fields_11", "is", "false"), update(setField(fCheckbox, "false")), true},
		{"checkbox is true", cond("custom_fields_11", "is", "true"), update(setField(fCheckbox, "true")), true},
		{"checkbox false to unset unchanged", cond("custom_fields_11", "changed", ""), update(setField(fCheckbox, "false")), false},
		{"checkbox false not_present", cond("custom_fields_11", "not_present", ""), update(setField(fCheckbox, "false")), true},
		{"dropdown is", cond("custom_fields_12", "is", "cat_a"), update(nil), true},
		{"integer less_than", cond("custom_fields_13", "less_than", "10"), update(nil), true},
		{"integer greater_than", cond("custom_fields_13", "greater_than", "10"), update(nil), false},
		{"integer greater_than decimal", cond("custom_fields_13", "greater_than", "4.5"), update(nil), true},
		{"integer unset not ordered", cond("custom_fields_13", "less_than", "10"), update(setField(fInteger, "")), false},
		{"text not ordered", cond("custom_fields_10", "less_than", "10"), update(nil), false},
		{"unknown field never holds", cond("custom_fields_99", "is", ""), update(nil), false},
	})
}

func TestConditionsTagsCommentsRole(t *testing.T) {
	t.Parallel()
	const body = "Please process my REFUND, quickly."
	admin := model.User{ID: 201, Role: model.RoleAdmin}
	endUser := model.User{ID: 100, Role: model.RoleEndUser}
	runCondCases(t, []condCase{
		{"tags includes one of", cond("current_tags", "includes", "gamma beta"), update(nil), true},
		{"tags includes none", cond("current_tags", "includes", "gamma"), update(nil), false},
		{"tags not_includes", cond("current_tags", "not_includes", "gamma delta"), update(nil), true},
		{"tags not_includes present", cond("current_tags", "not_includes", "gamma beta"), update(nil), false},

		{"public true with public", cond("comment_is_public", "is", "true"), withComment(update(nil), body, true), true},
		{"public true with private", cond("comment_is_public", "is", "true"), withComment(update(nil), body, false), false},
		{"public true without comment", cond("comment_is_public", "is", "true"), update(nil), false},
		{"public false with private", cond("comment_is_public", "is", "false"), withComment(update(nil), body, false), true},
		{"public false without comment", cond("comment_is_public", "is", "false"), update(nil), false},
		{"public not_relevant is any comment", cond("comment_is_public", "is", "not_relevant"), withComment(update(nil), body, false), true},
		{"public not_relevant without comment", cond("comment_is_public", "is", "not_relevant"), update(nil), false},
		{"public is_not true without comment", cond("comment_is_public", "is_not", "true"), update(nil), true},
		{"public requester_can_see", cond("comment_is_public", "is", "requester_can_see_comment"), withComment(update(nil), body, true), true},

		{"words includes", cond("comment_includes_word", "includes", "cancel refund"), withComment(update(nil), body, true), true},
		{"words includes whole words only", cond("comment_includes_word", "includes", "fund quick"), withComment(update(nil), body, true), false},
		{"words not_includes", cond("comment_includes_word", "not_includes", "cancel"), withComment(update(nil), body, true), true},
		{"words not_includes present", cond("comment_includes_word", "not_includes", "Refund"), withComment(update(nil), body, true), false},
		{"words is phrase", cond("comment_includes_word", "is", "my refund"), withComment(update(nil), body, true), true},
		{"words is phrase out of order", cond("comment_includes_word", "is", "refund my"), withComment(update(nil), body, true), false},
		{"words is_not phrase", cond("comment_includes_word", "is_not", "process refund"), withComment(update(nil), body, true), true},
		{"words without comment", cond("comment_includes_word", "includes", "refund"), update(nil), false},
		{"words not_includes without comment", cond("comment_includes_word", "not_includes", "refund"), update(nil), false},

		{"role is agent", cond("role", "is", "agent"), update(nil), true},
		{"role agent matches admin", cond("role", "is", "agent"), withActor(update(nil), admin), true},
		{"role is admin for agent", cond("role", "is", "admin"), update(nil), false},
		{"role is end_user", cond("role", "is", "end_user"), withActor(update(nil), endUser), true},
		{"role is end-user", cond("role", "is", "end-user"), withActor(update(nil), endUser), true},
		{"role is_not end_user", cond("role", "is_not", "end_user"), update(nil), true},

		{"unknown field", cond("satisfaction_score", "is", "good"), update(nil), false},
		{"unknown operator", cond("current_tags", "is", "alpha"), update(nil), false},
	})
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := trig(1, []model.Condition{tc.c}, action("notification_webhook", "w", "b"))
			require.Equal(t, tc.want, runOne(t, tr, tc.ch))
		})
	}
}

func TestConditionsAllAny(t *testing.T) {
	t.Parallel()
	yes, no := cond("status", "is", "open"), cond("status", "is", "new")
	cases := []struct {
		name     string
		all, any []model.Condition
		want     bool
	}{
		{"all hold, no any", []model.Condition{yes, yes}, nil, true},
		{"one all fails", []model.Condition{yes, no}, nil, false},
		{"all hold, one any holds", []model.Condition{yes}, []model.Condition{no, yes}, true},
		{"all hold, no any holds", []model.Condition{yes}, []model.Condition{no, no}, false},
		{"only any", nil, []model.Condition{no, yes}, true},
		{"all fails, any holds", []model.Condition{no}, []model.Condition{yes}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := trig(1, tc.all, action("notification_webhook", "w", "b"))
			tr.Conditions.Any = tc.any
			require.Equal(t, tc.want, runOne(t, tr, update(nil)))
		})
	}
}

func ptr[T any](v T) *T { return &v }

func withAssignee(id int64) model.Ticket {
	t := baseTicket()
	t.AssigneeID = id
	return t
}

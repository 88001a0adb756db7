package rules_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// fullTrigger uses every condition field and action twindesk supports, all valid.
func fullTrigger() model.Trigger {
	return model.Trigger{
		Title: "Everything", Active: true,
		Conditions: model.Conditions{
			All: []model.Condition{
				cond("update_type", "is", "Change"),
				cond("status", "less_than", "solved"),
				cond("status", "changed", ""),
				cond("priority", "is", ""),
				cond("priority", "greater_than", "low"),
				cond("type", "is_not", "task"),
				cond("group_id", "present", ""),
				cond("assignee_id", "is", "current_user"),
				cond("assignee_id", "is_not", "requester_id"),
				cond("requester_id", "is", "12"),
				cond("ticket_form_id", "value", "4"),
				cond("custom_fields_10", "is", "anything"),
				cond("custom_fields_13", "greater_than", "2.5"),
				cond("current_tags", "not_includes", "a b"),
				cond("comment_is_public", "is", "not_relevant"),
				cond("comment_includes_word", "is", "hello world"),
				cond("role", "is", "end_user"),
			},
			Any: []model.Condition{cond("status", "value_previous", "new")},
		},
		Actions: []model.Action{
			action("status", "pending"), action("priority", ""), action("type", "incident"),
			action("group_id", ""), action("assignee_id", "current_user"), action("ticket_form_id", "3"),
			action("set_tags", ""), action("current_tags", "x"), action("remove_tags", "y"),
			action("custom_fields_10", ""), action("notification_webhook", "01FMJQ", ""),
			action("notification_target", "7", "msg"),
		},
	}
}

func TestValidateAcceptsEverySupportedField(t *testing.T) {
	t.Parallel()
	tr := fullTrigger()
	require.NoError(t, rules.Validate(&tr))
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(*model.Trigger)
		field string // the detail that must be reported
	}{
		{"nil trigger", nil, "base"},
		{"blank title", func(t *model.Trigger) { t.Title = "  " }, "title"},
		{"no conditions", func(t *model.Trigger) { t.Conditions = model.Conditions{} }, "conditions"},
		{"no actions", func(t *model.Trigger) { t.Actions = nil }, "actions"},
		{"unknown condition field", setCond(0, cond("satisfaction", "is", "x")), "conditions.all[0]"},
		{"custom field without id", setCond(1, cond("custom_fields_x", "is", "x")), "conditions.all[1]"},
		{"unknown operator", setCond(2, cond("status", "equals", "open")), "conditions.all[2]"},
		{"operator not for field", setCond(3, cond("type", "less_than", "task")), "conditions.all[3]"},
		{"present on status", setCond(3, cond("status", "present", "")), "conditions.all[3]"},
		{"bad status", setCond(4, cond("status", "is", "done")), "conditions.all[4]"},
		{"bad priority", setCond(4, cond("priority", "is", "meh")), "conditions.all[4]"},
		{"unset priority not ordered", setCond(4, cond("priority", "less_than", "")), "conditions.all[4]"},
		{"bad type", setCond(4, cond("type", "is", "bug")), "conditions.all[4]"},
		{"bad id", setCond(5, cond("group_id", "is", "support")), "conditions.all[5]"},
		{"negative id", setCond(5, cond("assignee_id", "is", "-3")), "conditions.all[5]"},
		{"bad update_type", setCond(6, cond("update_type", "is", "create")), "conditions.all[6]"},
		{"blank tags", setCond(6, cond("current_tags", "includes", " ")), "conditions.all[6]"},
		{"bad comment_is_public", setCond(6, cond("comment_is_public", "is", "yes")), "conditions.all[6]"},
		{"no words", setCond(6, cond("comment_includes_word", "includes", "!!")), "conditions.all[6]"},
		{"bad role", setCond(6, cond("role", "is", "owner")), "conditions.all[6]"},
		{"custom order not a number", setCond(6, cond("custom_fields_13", "less_than", "ten")), "conditions.all[6]"},
		{"bad any condition", func(t *model.Trigger) {
			t.Conditions.Any = append(t.Conditions.Any, cond("status", "is", "x"))
		}, "conditions.any[1]"},
		{"unknown action", setAct(0, action("follower", "1")), "actions[0]"},
		{"bad status action", setAct(0, action("status", "done")), "actions[0]"},
		{"two values for scalar", setAct(1, action("priority", "high", "low")), "actions[1]"},
		{"no value", setAct(1, action("priority")), "actions[1]"},
		{"bad type action", setAct(2, action("type", "bug")), "actions[2]"},
		{"group current_user", setAct(3, action("group_id", "current_user")), "actions[3]"},
		{"bad assignee", setAct(4, action("assignee_id", "bob")), "actions[4]"},
		{"blank tags action", setAct(7, action("current_tags", "")), "actions[7]"},
		{"webhook one value", setAct(10, action("notification_webhook", "01FMJQ")), "actions[10]"},
		{"target blank id", setAct(11, action("notification_target", "", "msg")), "actions[11]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tr *model.Trigger
			if tc.edit != nil {
				full := fullTrigger()
				tc.edit(&full)
				tr = &full
			}
			err := rules.Validate(tr)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve), "want *model.ValidationError, got %v", err)
			require.Len(t, ve.Errors, 1, "%v", err)
			require.Equal(t, tc.field, ve.Errors[0].Field)
			require.NotEmpty(t, ve.Errors[0].Code)
			require.NotEmpty(t, ve.Errors[0].Description)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	tr := model.Trigger{
		Conditions: model.Conditions{All: []model.Condition{cond("status", "is", "x"), cond("nope", "is", "")}},
		Actions:    []model.Action{action("status", "y")},
	}
	var ve *model.ValidationError
	require.True(t, errors.As(rules.Validate(&tr), &ve))
	var fields []string
	for _, e := range ve.Errors {
		fields = append(fields, e.Field)
	}
	require.Equal(t, []string{"title", "conditions.all[0]", "conditions.all[1]", "actions[0]"}, fields)
	require.Contains(t, ve.Error(), `status is "x": is not a valid status`)
}

func setCond(i int, c model.Condition) func(*model.Trigger) {
	return func(t *model.Trigger) { t.Conditions.All[i] = c }
}

func setAct(i int, a model.Action) func(*model.Trigger) {
	return func(t *model.Trigger) { t.Actions[i] = a }
}

package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// TestApplyMacro: ticket actions change the ticket as trigger actions do
// (current_user is the agent applying it, a dropdown follows its tag), comment
// actions only come back as text, and notifications are never run.
func TestApplyMacro(t *testing.T) {
	tk := baseTicket()
	m := &model.Macro{Actions: []model.Action{
		{Field: "status", Value: []string{"pending"}},
		{Field: "assignee_id", Value: []string{"current_user"}},
		{Field: "current_tags", Value: []string{"cat_b"}},
		{Field: "remove_tags", Value: []string{"cat_a"}},
		{Field: rules.ActCommentValue, Value: []string{"Hello {{ticket.id}}"}},
		{Field: rules.ActCommentValue, Value: []string{"Bye"}},
		{Field: rules.ActCommentPublic, Value: []string{"false"}},
		{Field: "notification_webhook", Value: []string{"w1", "{}"}},
	}}
	ch := rules.ApplyMacro(m, &tk, model.User{ID: 77, Role: model.RoleAgent}, testEnv())
	require.Equal(t, model.StatusPending, tk.Status)
	require.Equal(t, int64(77), tk.AssigneeID)
	require.Equal(t, "cat_b", tk.Field(fDropdown), "the dropdown follows its option's tag")
	require.Equal(t, "Hello {{ticket.id}}\nBye", ch.Comment, "comment actions append; the caller renders them")
	require.NotNil(t, ch.Public)
	require.False(t, *ch.Public)
	fields := map[string]bool{}
	for _, e := range ch.Events {
		fields[e.FieldName] = true
	}
	require.True(t, fields["status"] && fields["assignee_id"] && fields["tags"], "%v", ch.Events)
}

func TestValidateMacroAndView(t *testing.T) {
	err := rules.ValidateMacro(&model.Macro{Title: "x", Actions: []model.Action{
		{Field: "notification_webhook", Value: []string{"w1", "{}"}},
		{Field: rules.ActCommentPublic, Value: []string{"maybe"}},
		{Field: "status", Value: []string{"open"}},
	}})
	var ve *model.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Errors, 2)
	require.Equal(t, "actions[0]", ve.Errors[0].Field)
	require.Equal(t, "actions[1]", ve.Errors[1].Field)

	for _, c := range []model.Condition{
		{Field: "status", Operator: "changed"}, {Field: "update_type", Operator: "is", Value: "Create"},
		{Field: "comment_includes_word", Operator: "includes", Value: "x"}, {Field: "NEW", Operator: "is_not", Value: "3"},
		{Field: "updated_at", Operator: "less_than", Value: "-1"}, {Field: "assignee_id", Operator: "is", Value: "requester_id"},
		{Field: "priority", Operator: "less_than", Value: ""}, {Field: "custom_fields_5", Operator: "less_than", Value: "3"},
	} {
		require.NotEmpty(t, rules.CheckViewCond(c), "%+v", c)
	}
	for _, c := range []model.Condition{
		{Field: "status", Operator: "less_than", Value: "solved"}, {Field: "assignee_id", Operator: "is", Value: "current_user"},
		{Field: "group_id", Operator: "is", Value: ""}, {Field: "current_tags", Operator: "not_includes", Value: "a b"},
		{Field: "NEW", Operator: "greater_than", Value: "24"}, {Field: "custom_fields_5", Operator: "present"},
	} {
		require.Empty(t, rules.CheckViewCond(c), "%+v", c)
	}
	require.Error(t, rules.ValidateView(&model.View{Title: "any only", Conditions: model.Conditions{
		Any: []model.Condition{{Field: "status", Operator: "is", Value: "open"}}}}), "a view needs an all condition")
}

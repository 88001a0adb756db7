package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

// change is the Change event a trigger with id 1 records.
func change(field string, value, prev any) model.AuditEvent {
	return model.AuditEvent{Type: "Change", FieldName: field, Value: value, PreviousValue: prev, ViaTriggerID: 1}
}

func TestActions(t *testing.T) {
	t.Parallel()
	other := model.User{ID: 201, Role: model.RoleAgent}
	cases := []struct {
		name   string
		act    model.Action
		actor  *model.User
		check  func(*testing.T, *model.Ticket)
		events []model.AuditEvent
	}{
		{name: "status", act: action("status", "solved"),
			check:  func(t *testing.T, tk *model.Ticket) { require.Equal(t, model.StatusSolved, tk.Status) },
			events: []model.AuditEvent{change("status", "solved", "open")}},
		{name: "status unchanged", act: action("status", "open"),
			check: func(t *testing.T, tk *model.Ticket) { require.Equal(t, model.StatusOpen, tk.Status) }},
		{name: "priority", act: action("priority", "urgent"),
			check:  func(t *testing.T, tk *model.Ticket) { require.Equal(t, "urgent", tk.Priority) },
			events: []model.AuditEvent{change("priority", "urgent", "normal")}},
		{name: "priority unset", act: action("priority", ""),
			check:  func(t *testing.T, tk *model.Ticket) { require.Empty(t, tk.Priority) },
			events: []model.AuditEvent{change("priority", "", "normal")}},
		{name: "type", act: action("type", "task"),
			check:  func(t *testing.T, tk *model.Ticket) { require.Equal(t, "task", tk.Type) },
			events: []model.AuditEvent{change("type", "task", "question")}},
		{name: "group", act: action("group_id", "301"),
			check:  func(t *testing.T, tk *model.Ticket) { require.EqualValues(t, 301, tk.GroupID) },
			events: []model.AuditEvent{change("group_id", "301", "300")}},
		{name: "group unassign", act: action("group_id", ""),
			check:  func(t *testing.T, tk *model.Ticket) { require.Zero(t, tk.GroupID) },
			events: []model.AuditEvent{change("group_id", "", "300")}},
		{name: "assignee current_user", act: action("assignee_id", "current_user"), actor: &other,
			check:  func(t *testing.T, tk *model.Ticket) { require.EqualValues(t, 201, tk.AssigneeID) },
			events: []model.AuditEvent{change("assignee_id", "201", "200")}},
		{name: "assignee id", act: action("assignee_id", "7"),
			check:  func(t *testing.T, tk *model.Ticket) { require.EqualValues(t, 7, tk.AssigneeID) },
			events: []model.AuditEvent{change("assignee_id", "7", "200")}},
		{name: "assignee unassign", act: action("assignee_id", ""),
			check:  func(t *testing.T, tk *model.Ticket) { require.Zero(t, tk.AssigneeID) },
			events: []model.AuditEvent{change("assignee_id", "", "200")}},
		{name: "ticket form", act: action("ticket_form_id", "401"),
			check:  func(t *testing.T, tk *model.Ticket) { require.EqualValues(t, 401, tk.TicketFormID) },
			events: []model.AuditEvent{change("ticket_form_id", "401", "400")}},
		{name: "set_tags replaces", act: action("set_tags", "x y x cat_a"),
			check: func(t *testing.T, tk *model.Ticket) { require.Equal(t, []string{"x", "y", "cat_a"}, tk.Tags) },
			events: []model.AuditEvent{change("tags", []string{"x", "y", "cat_a"},
				[]string{"alpha", "beta", "cat_a"})}},
		{name: "set_tags same set", act: action("set_tags", "cat_a beta alpha"),
			check: func(t *testing.T, tk *model.Ticket) { require.Equal(t, []string{"alpha", "beta", "cat_a"}, tk.Tags) }},
		{name: "current_tags adds", act: action("current_tags", "beta gamma"),
			check: func(t *testing.T, tk *model.Ticket) {
				require.Equal(t, []string{"alpha", "beta", "cat_a", "gamma"}, tk.Tags)
			},
			events: []model.AuditEvent{change("tags", []string{"alpha", "beta", "cat_a", "gamma"},
				[]string{"alpha", "beta", "cat_a"})}},
		{name: "current_tags present", act: action("current_tags", "beta"),
			check: func(t *testing.T, tk *model.Ticket) { require.Len(t, tk.Tags, 3) }},
		{name: "remove_tags", act: action("remove_tags", "alpha zeta"),
			check:  func(t *testing.T, tk *model.Ticket) { require.Equal(t, []string{"beta", "cat_a"}, tk.Tags) },
			events: []model.AuditEvent{change("tags", []string{"beta", "cat_a"}, []string{"alpha", "beta", "cat_a"})}},
		{name: "remove_tags clears dropdown", act: action("remove_tags", "alpha beta cat_a"),
			check: func(t *testing.T, tk *model.Ticket) {
				require.Empty(t, tk.Tags)
				require.Empty(t, tk.Field(fDropdown))
			},
			events: []model.AuditEvent{
				change("tags", []string{}, []string{"alpha", "beta", "cat_a"}),
				change("12", "", "cat_a"),
			}},
		{name: "set_tags picks dropdown option", act: action("set_tags", "alpha cat_b"),
			check: func(t *testing.T, tk *model.Ticket) { require.Equal(t, "cat_b", tk.Field(fDropdown)) },
			events: []model.AuditEvent{
				change("tags", []string{"alpha", "cat_b"}, []string{"alpha", "beta", "cat_a"}),
				change("12", "cat_b", "cat_a"),
			}},
		{name: "custom text", act: action("custom_fields_10", "bye"),
			check:  func(t *testing.T, tk *model.Ticket) { require.Equal(t, "bye", tk.Field(fText)) },
			events: []model.AuditEvent{change("10", "bye", "hello")}},
		{name: "custom dropdown swaps tag", act: action("custom_fields_12", "cat_b"),
			check: func(t *testing.T, tk *model.Ticket) {
				require.Equal(t, "cat_b", tk.Field(fDropdown))
				require.Equal(t, []string{"alpha", "beta", "cat_b"}, tk.Tags)
			},
			events: []model.AuditEvent{
				change("12", "cat_b", "cat_a"),
				change("tags", []string{"alpha", "beta", "cat_b"}, []string{"alpha", "beta", "cat_a"}),
			}},
		{name: "custom checkbox adds tag", act: action("custom_fields_11", "true"),
			check: func(t *testing.T, tk *model.Ticket) { require.True(t, tk.HasTag("vip")) },
			events: []model.AuditEvent{
				change("11", "true", ""),
				change("tags", []string{"alpha", "beta", "cat_a", "vip"}, []string{"alpha", "beta", "cat_a"}),
			}},
		{name: "custom checkbox false when unset", act: action("custom_fields_11", "false"),
			check: func(t *testing.T, tk *model.Ticket) { require.Empty(t, tk.Field(fCheckbox)) }},
		{name: "custom unknown field skipped", act: action("custom_fields_99", "x"),
			check: func(t *testing.T, tk *model.Ticket) { require.Empty(t, tk.Field(99)) }},
		{name: "malformed action skipped", act: action("status", "bogus"),
			check: func(t *testing.T, tk *model.Ticket) { require.Equal(t, model.StatusOpen, tk.Status) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ch := update(nil)
			if tc.actor != nil {
				ch.Actor = *tc.actor
			}
			res := rules.Run([]model.Trigger{trig(1, []model.Condition{always}, tc.act)}, ch, testEnv())
			require.Equal(t, []int64{1}, res.Fired)
			tc.check(t, ch.After)
			require.Equal(t, tc.events, res.Events)
			require.Empty(t, res.Notifications)
			require.Equal(t, baseTicket(), *ch.Before, "Before must not change")
		})
	}
}

func TestNotificationActions(t *testing.T) {
	t.Parallel()
	tr := trig(1, []model.Condition{always},
		action("notification_webhook", "01FMJQ", `{"id": {{ticket.id}}}`),
		action("notification_target", "42", "Ticket {{ticket.id}}"),
	)
	ch := update(nil)
	res := rules.Run([]model.Trigger{tr}, ch, testEnv())
	require.Equal(t, []model.Notification{
		{TriggerID: 1, Kind: "webhook", TargetID: "01FMJQ", Body: `{"id": {{ticket.id}}}`},
		{TriggerID: 1, Kind: "target", TargetID: "42", Body: "Ticket {{ticket.id}}"},
	}, res.Notifications)
	require.Empty(t, res.Events)
	require.Equal(t, baseTicket(), *ch.After, "notifications do not touch the ticket")
}

// Tags on Before and After often share a backing array when the caller builds After
// by shallow copy; tag actions must not write through it.
func TestTagActionsDoNotAliasBefore(t *testing.T) {
	t.Parallel()
	before := baseTicket()
	before.Tags = make([]string, 3, 10)
	copy(before.Tags, []string{"alpha", "beta", "cat_a"})
	after := before // shallow: shares Tags and CustomFields
	ch := &model.Change{Before: &before, After: &after, Actor: agent}
	trs := []model.Trigger{trig(1, []model.Condition{always},
		action("remove_tags", "alpha"), action("current_tags", "x"), action("custom_fields_12", "cat_b"))}
	res := rules.Run(trs, ch, testEnv())
	require.Equal(t, []string{"alpha", "beta", "cat_a"}, before.Tags)
	require.Equal(t, "cat_a", before.Field(fDropdown))
	require.Equal(t, []string{"beta", "x", "cat_b"}, after.Tags)
	require.Equal(t, []string{"beta", "cat_a"}, res.Events[0].Value, "earlier events keep their value")
	after.Tags[0] = "edited"
	require.Equal(t, []string{"beta", "x", "cat_b"}, res.Events[len(res.Events)-1].Value,
		"events do not share the ticket's tags")
}

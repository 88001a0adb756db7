package rules_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/rules"
)

func TestNotificationUser(t *testing.T) {
	t.Parallel()
	tr := trig(1, []model.Condition{always}, action("notification_user", "requester_id", "[#{{ticket.id}}] news", "Hi {{ticket.requester.first_name}}"))
	require.NoError(t, rules.Validate(&tr))
	res := rules.Run([]model.Trigger{tr}, update(nil), testEnv())
	require.Equal(t, []model.Notification{{TriggerID: 1, Kind: model.NotifyUser, TargetID: "requester_id",
		Subject: "[#{{ticket.id}}] news", Body: "Hi {{ticket.requester.first_name}}"}}, res.Notifications)
	require.Empty(t, res.Events, "a mail changes nothing on the ticket")

	for name, vals := range map[string][]string{
		"two values":        {"requester_id", "subject"},
		"unknown recipient": {"everyone", "s", "b"},
		"zero id":           {"0", "s", "b"},
		"blank body":        {"assignee_id", "s", "  "},
	} {
		bad := trig(2, []model.Condition{always}, action("notification_user", vals...))
		var v *model.ValidationError
		require.ErrorAs(t, rules.Validate(&bad), &v, name)
		require.Empty(t, rules.Run([]model.Trigger{bad}, update(nil), testEnv()).Notifications, "a malformed action never mails: %s", name)
	}
	for _, r := range []string{"assignee_id", "current_user", "42"} {
		ok := trig(3, []model.Condition{always}, action("notification_user", r, "", "body"))
		require.NoError(t, rules.Validate(&ok), r)
	}
}

package instance_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestMailToCCsAndFollowers: with the default notification triggers, the
// request-received mail and each public reply go to the requester and every
// email CC; a trigger mailing the assignee also mails the followers. A
// private note reaches no CC.
func TestMailToCCsAndFollowers(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	n := mailDeployment(t, sink, "full").open(true)
	z, ctx := zendeskClient(t, n), context.Background()
	ada, err := z.CreateUser(ctx, zendesk.User{Name: "Ada Agent", Email: "ada@it.company.example", Role: "agent"})
	require.NoError(t, err)
	fred, err := z.CreateUser(ctx, zendesk.User{Name: "Fred Follower", Email: "fred@it.company.example", Role: "agent"})
	require.NoError(t, err)
	_, err = z.CreateTrigger(ctx, zendesk.Trigger{Title: "Notify assignee of comment update",
		Conditions: struct {
			All []zendesk.TriggerCondition `json:"all"`
			Any []zendesk.TriggerCondition `json:"any"`
		}{All: []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Change"},
			{Field: "comment_is_public", Operator: "is", Value: "true"}}},
		Actions: []zendesk.TriggerAction{{Field: "notification_user", Value: []any{"assignee_id",
			"[Agent] {{ticket.title}}", "{{ticket.latest_public_comment}}"}}}})
	require.NoError(t, err)

	var collab zendesk.Collaborators
	require.NoError(t, collab.Append(map[string]any{"name": "Carol CC", "email": "carol@example.org"}))
	tk, err := z.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", AssigneeID: ada.ID,
		Requester:     &zendesk.Requester{Name: "Ann", Email: "ann@example.org"},
		Collaborators: &collab, Comment: &zendesk.TicketComment{Body: "It jams."}})
	require.NoError(t, err)
	require.Len(t, tk.EmailCCIDs, 1)
	got := sink.WaitFor(2, 20*time.Second)
	require.ElementsMatch(t, []string{"ann@example.org", "carol@example.org"}, recipients(bySubject(got, "[Request received]")))

	_, err = z.UpdateTicket(ctx, tk.ID, zendesk.Ticket{FollowerIDs: []int64{fred.ID}})
	require.NoError(t, err)
	comment(t, z, tk.ID, "cc-canary: the printer is stolen", false)
	comment(t, z, tk.ID, "We replaced the drum.", true)
	got = sink.WaitFor(6, 20*time.Second)
	time.Sleep(time.Second) // a mail for the note would have arrived by now
	got = sink.Messages()
	require.Len(t, got, 6, "%+v", got)
	require.ElementsMatch(t, []string{"ann@example.org", "carol@example.org"}, recipients(bySubject(got, fmt.Sprintf("[#%d] Re: Printer", tk.ID))))
	require.ElementsMatch(t, []string{"ada@it.company.example", "fred@it.company.example"}, recipients(bySubject(got, "[Agent] Printer")))
	for _, s := range got {
		full := sink.Message(s.ID)
		require.NotContains(t, full.Text+full.HTML, "cc-canary", "a private note went out by mail")
	}
}

func recipients(ms []mailpittest.Summary) []string {
	var out []string
	for _, m := range ms {
		for _, to := range m.To {
			out = append(out, to.Address)
		}
	}
	slices.Sort(out)
	return out
}

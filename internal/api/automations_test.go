package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

func autoCond(field, op, value string) zendesk.AutomationCondition {
	return zendesk.AutomationCondition{Field: field, Operator: op, Value: value}
}

func newAutomation(title string, all []zendesk.AutomationCondition, actions ...zendesk.AutomationAction) zendesk.Automation {
	a := zendesk.Automation{Title: title, Active: true, Actions: actions}
	a.Conditions.All = all
	return a
}

// TestClientAutomations drives /api/v2/automations with go-zendesk: the default
// automation, CRUD, active and search, and Zendesk's refusals.
func TestClientAutomations(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()

		list, _, err := c.GetAutomations(ctx, &zendesk.AutomationListOptions{})
		require.NoError(t, err)
		require.Len(t, list, 1, "a new instance has Zendesk's default automation")
		require.Equal(t, "Close ticket 4 days after status is set to solved", list[0].Title)
		require.True(t, list[0].Active)

		nudge := newAutomation("Nudge pending", []zendesk.AutomationCondition{
			autoCond("status", "is", "pending"),
			autoCond("hours_since_pending", "greater_than", "48"),
			autoCond("current_tags", "not_includes", "nudged"),
		}, zendesk.AutomationAction{Field: "current_tags", Value: "nudged"})
		created, err := c.CreateAutomation(ctx, nudge)
		require.NoError(t, err)
		require.NotZero(t, created.ID)
		require.Equal(t, "Nudge pending", created.Title)
		require.Len(t, created.Conditions.All, 3)
		require.Equal(t, "nudged", created.Actions[0].Value)

		got, err := c.GetAutomation(ctx, created.ID)
		require.NoError(t, err)
		require.Equal(t, created.Title, got.Title)

		got.Title = "Nudge pending tickets"
		updated, err := c.UpdateAutomation(ctx, created.ID, got)
		require.NoError(t, err)
		require.Equal(t, "Nudge pending tickets", updated.Title)
		// go-zendesk drops "active": false (omitempty), so deactivate by hand.
		res := env.Do(t, "PUT", "/api/v2/automations/"+strconv.FormatInt(created.ID, 10)+".json",
			map[string]any{"automation": map[string]any{"active": false}})
		require.Equal(t, http.StatusOK, res.Status)

		var active struct {
			Automations []zendesk.Automation `json:"automations"`
		}
		env.Do(t, "GET", "/api/v2/automations/active.json", nil).Decode(t, &active)
		require.Len(t, active.Automations, 1, "the inactive one is not listed as active")
		var found struct {
			Automations []zendesk.Automation `json:"automations"`
		}
		env.Do(t, "GET", "/api/v2/automations/search.json?query=NUDGE", nil).Decode(t, &found)
		require.Len(t, found.Automations, 1)
		require.Equal(t, created.ID, found.Automations[0].ID)

		// Zendesk refuses an automation without a time condition ...
		_, err = c.CreateAutomation(ctx, newAutomation("No time", []zendesk.AutomationCondition{autoCond("status", "is", "pending")},
			zendesk.AutomationAction{Field: "status", Value: "open"}))
		requireStatus(t, err, http.StatusUnprocessableEntity)
		require.ErrorContains(t, err, "time-based condition")
		// ... and one whose actions would let it fire on the same ticket forever.
		_, err = c.CreateAutomation(ctx, newAutomation("Forever", []zendesk.AutomationCondition{
			autoCond("status", "is", "pending"), autoCond("hours_since_pending", "greater_than", "1"),
		}, zendesk.AutomationAction{Field: "priority", Value: "high"}))
		requireStatus(t, err, http.StatusUnprocessableEntity)
		require.ErrorContains(t, err, "nullifies")
		// Agents read automations but don't change them.
		agentID, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		require.NotZero(t, agentID)
		agent := env.Client("ada@example.com", agentToken)
		_, err = agent.CreateAutomation(ctx, nudge)
		requireStatus(t, err, http.StatusForbidden)
		requireStatus(t, agent.DeleteAutomation(ctx, created.ID), http.StatusForbidden)
		after, _, err := c.GetAutomations(ctx, &zendesk.AutomationListOptions{})
		require.NoError(t, err)
		require.Len(t, after, 2, "refused requests changed nothing")

		require.NoError(t, c.DeleteAutomation(ctx, created.ID))
		_, err = c.GetAutomation(ctx, created.ID)
		requireStatus(t, err, http.StatusNotFound)
	})
}

// TestAutomationClosesSolvedTicket runs the default automation: a ticket solved
// more than 96 hours ago is closed, by the automation, with the triggers run on
// the change; the next run finds nothing to do.
func TestAutomationClosesSolvedTicket(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		d := env.Instance.Desk
		trig := map[string]any{"trigger": map[string]any{"title": "Mark closed",
			"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "value", "value": "closed"}}},
			"actions":    []map[string]any{{"field": "current_tags", "value": "closed_by_rule"}}}}
		_, err := c.Post(ctx, "/triggers.json", trig)
		require.NoError(t, err)

		mk := func(subject string) int64 {
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: subject, Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Status: "solved", AssigneeID: env.AdminID})
			require.NoError(t, err)
			return tk.ID
		}
		old, recent := mk("solved long ago"), mk("solved just now")
		// Arrange: the first was solved five days ago.
		_, err = env.Instance.DB.WriteDB().ExecContext(ctx, `UPDATE ticket_clocks SET solved_at = $1 WHERE ticket_id = $2`,
			time.Now().Add(-120*time.Hour).UnixMicro(), old)
		require.NoError(t, err)

		st, err := d.RunAutomations(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, st.Candidates, "only the ticket solved long enough ago is read")
		require.Equal(t, 1, st.Updated)
		closed, err := c.GetTicket(ctx, old)
		require.NoError(t, err)
		require.Equal(t, "closed", closed.Status)
		require.Contains(t, closed.Tags, "closed_by_rule", "the automation's change ran the triggers")
		still, err := c.GetTicket(ctx, recent)
		require.NoError(t, err)
		require.Equal(t, "solved", still.Status)

		var audits struct {
			Audits []struct {
				AuthorID int64 `json:"author_id"`
				Via      struct {
					Channel string `json:"channel"`
				} `json:"via"`
			} `json:"audits"`
		}
		env.Do(t, "GET", "/api/v2/tickets/"+strconv.FormatInt(old, 10)+"/audits.json", nil).Decode(t, &audits)
		last := audits.Audits[len(audits.Audits)-1]
		require.Equal(t, int64(-1), last.AuthorID, "automation changes are the system user's")
		require.Equal(t, "rule", last.Via.Channel)

		st, err = d.RunAutomations(ctx)
		require.NoError(t, err)
		require.Equal(t, 0, st.Candidates, "a closed ticket is no candidate any more")
		require.Equal(t, 0, st.Fired)
	})
}

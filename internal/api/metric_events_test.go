package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type metricEventJSON struct {
	ID         int64  `json:"id"`
	TicketID   int64  `json:"ticket_id"`
	Metric     string `json:"metric"`
	InstanceID int    `json:"instance_id"`
	Type       string `json:"type"`
	Time       string `json:"time"`
	Status     *struct {
		Calendar *int64 `json:"calendar"`
		Business *int64 `json:"business"`
	} `json:"status"`
}

// TestTicketMetricEventsExport follows one ticket through
// /api/v2/incremental/ticket_metric_events: created by its requester (every
// metric measured, then activated), answered by an agent who sets it pending
// (agent work and the requester's wait pause; reply time and pausable update
// time are fulfilled, and the next pausable update starts, paused while
// pending), then solved (the rest fulfilled), in Zendesk's shapes.
func TestTicketMetricEventsExport(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		_, eveToken := env.CreateEndUser(t, "Eve", "eve@example.com")
		tk, err := env.Client("eve@example.com", eveToken).CreateTicket(ctx, zendesk.Ticket{Subject: "VPN down",
			Comment: &zendesk.TicketComment{Body: "It is down"}})
		require.NoError(t, err)
		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Status: "pending", Comment: &zendesk.TicketComment{Body: "Restart it?", Public: new(true)}})
		require.NoError(t, err)
		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Status: "solved"})
		require.NoError(t, err)

		var page struct {
			Events      []metricEventJSON `json:"ticket_metric_events"`
			Count       int               `json:"count"`
			EndTime     int64             `json:"end_time"`
			NextPage    string            `json:"next_page"`
			EndOfStream bool              `json:"end_of_stream"`
		}
		// The export leaves the last whole second for later: poll.
		require.Eventually(t, func() bool {
			res := env.Do(t, "GET", "/api/v2/incremental/ticket_metric_events.json?start_time=0", nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &page)
			return slices.ContainsFunc(page.Events, func(e metricEventJSON) bool {
				return e.Type == "update_status" && e.Metric == "resolution_time"
			})
		}, 5*time.Second, 200*time.Millisecond)
		require.Equal(t, len(page.Events), page.Count)
		require.True(t, page.EndOfStream)
		require.Contains(t, page.NextPage, fmt.Sprintf("start_time=%d", page.EndTime))

		var got []string
		ids := map[int64]bool{}
		for _, e := range page.Events {
			require.Equal(t, tk.ID, e.TicketID)
			require.False(t, ids[e.ID], "event ids are unique")
			ids[e.ID] = true
			_, err := time.Parse(time.RFC3339, e.Time)
			require.NoError(t, err)
			require.Equal(t, e.Type == "update_status", e.Status != nil, "only update_status carries a status")
			if e.Status != nil {
				require.NotNil(t, e.Status.Calendar)
				require.NotNil(t, e.Status.Business)
			}
			got = append(got, fmt.Sprintf("%s %d %s", e.Metric, e.InstanceID, e.Type))
		}
		require.Equal(t, []string{
			// created by the requester
			"agent_work_time 0 measure", "pausable_update_time 0 measure", "reply_time 0 measure",
			"requester_wait_time 0 measure", "resolution_time 0 measure",
			"agent_work_time 1 activate", "pausable_update_time 1 activate", "reply_time 1 activate",
			"requester_wait_time 1 activate", "resolution_time 1 activate",
			// pending, with the agent's public reply
			"agent_work_time 1 pause", "requester_wait_time 1 pause", "pausable_update_time 1 pause",
			"reply_time 1 fulfill", "reply_time 1 update_status",
			"pausable_update_time 1 fulfill", "pausable_update_time 1 update_status",
			"pausable_update_time 2 activate", // the next update is due, paused while pending
			// solved
			"agent_work_time 1 fulfill", "agent_work_time 1 update_status",
			"requester_wait_time 1 fulfill", "requester_wait_time 1 update_status",
			"resolution_time 1 fulfill", "resolution_time 1 update_status",
			"pausable_update_time 2 fulfill", "pausable_update_time 2 update_status",
		}, got)

		// Admins only; start_time is required.
		_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
		res := env.Do(t, "GET", "/api/v2/incremental/ticket_metric_events.json?start_time=0", nil, apitest.As("ada@example.com", agentToken))
		require.Equal(t, http.StatusForbidden, res.Status)
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/incremental/ticket_metric_events.json", nil).Status)
	})
}

package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestSLAMetricEventsShape: a ticket an SLA policy measures gets an apply_sla
// event in /incremental/ticket_metric_events, in Zendesk's shape (the policy
// and its target under "sla").
func TestSLAMetricEventsShape(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		p := zendesk.SLAPolicy{Title: "Urgent first", Description: "Answer fast",
			PolicyMetrics: []zendesk.SLAPolicyMetric{{Priority: "urgent", Metric: zendesk.FirstReplyTimeMetric, Target: 30, BusinessHours: false}}}
		p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
		policy, err := c.CreateSLAPolicy(ctx, p)
		require.NoError(t, err)
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Down", Priority: "urgent", Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)

		type slaJSON struct {
			Target          int  `json:"target"`
			TargetInSeconds int  `json:"target_in_seconds"`
			BusinessHours   bool `json:"business_hours"`
			Policy          struct {
				ID          int64  `json:"id"`
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"policy"`
		}
		var applied []struct {
			TicketID   int64    `json:"ticket_id"`
			Metric     string   `json:"metric"`
			InstanceID int      `json:"instance_id"`
			Type       string   `json:"type"`
			SLA        *slaJSON `json:"sla"`
		}
		require.Eventually(t, func() bool {
			var page struct {
				Events []struct {
					TicketID   int64    `json:"ticket_id"`
					Metric     string   `json:"metric"`
					InstanceID int      `json:"instance_id"`
					Type       string   `json:"type"`
					SLA        *slaJSON `json:"sla"`
				} `json:"ticket_metric_events"`
			}
			res := env.Do(t, "GET", "/api/v2/incremental/ticket_metric_events.json?start_time=0", nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &page)
			applied = applied[:0]
			for _, e := range page.Events {
				require.Equal(t, e.Type == "apply_sla", e.SLA != nil, "only apply_sla carries sla")
				if e.Type == "apply_sla" {
					applied = append(applied, e)
				}
			}
			return len(applied) > 0
		}, 5*time.Second, 200*time.Millisecond)
		require.Len(t, applied, 1)
		e := applied[0]
		require.Equal(t, tk.ID, e.TicketID)
		require.Equal(t, "reply_time", e.Metric)
		require.Equal(t, 1, e.InstanceID)
		require.Equal(t, 30, e.SLA.Target)
		require.Equal(t, 1800, e.SLA.TargetInSeconds)
		require.Equal(t, policy.ID, e.SLA.Policy.ID)
		require.Equal(t, "Urgent first", e.SLA.Policy.Title)
		require.Equal(t, "Answer fast", e.SLA.Policy.Description)
	})
}

package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestTicketMetrics gives a ticket a known history (audits written at chosen
// times through the store) and reads its metrics with go-zendesk.
func TestTicketMetrics(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			ctx := t.Context()
			agent, _ := env.CreateAgent(t, "Ann Agent", "ann@example.com")
			req, reqToken := env.CreateEndUser(t, "Rita Requester", "rita@example.com")
			t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
			at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
			yes := true
			change := func(field, from, to string) model.AuditEvent {
				return model.AuditEvent{Type: "Change", FieldName: field, Value: to, PreviousValue: from}
			}
			comment := func(author int64) model.AuditEvent {
				return model.AuditEvent{Type: "Comment", Body: "c", Public: &yes, AuthorID: author}
			}
			entry := func(min int, author int64, ev ...model.AuditEvent) store.BulkEntry {
				return store.BulkEntry{Audit: model.Audit{AuthorID: author, Via: "api", CreatedAt: at(min), Events: ev}}
			}
			bt := store.BulkTicket{Ticket: model.Ticket{Subject: "VPN", Description: "c", Status: model.StatusSolved,
				RequesterID: req, SubmitterID: req, AssigneeID: agent, Via: "api", CreatedAt: t0, UpdatedAt: at(240)},
				Entries: []store.BulkEntry{
					entry(0, req, model.AuditEvent{Type: "Create", FieldName: "status", Value: "new"}, comment(req)),
					entry(30, agent, change("assignee_id", "", fmt.Sprint(agent)), change("status", "new", "open"), comment(agent)),
					entry(90, agent, change("status", "open", "pending"), comment(agent)),
					entry(150, req, change("status", "pending", "open"), comment(req)),
					entry(180, agent, change("status", "open", "solved")),
					entry(200, req, change("status", "solved", "open")),
					entry(210, agent, change("status", "open", "hold")),
					entry(240, agent, change("status", "hold", "solved")),
				}}
			bts := []store.BulkTicket{bt}
			require.NoError(t, env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, bts) }))
			id := bts[0].Ticket.ID
			// A second ticket nobody answered yet.
			res := env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "new",
				"requester_id": req, "comment": map[string]any{"body": "help"}}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

			c := env.AdminClient()
			m, err := c.GetTicketMetricByTicket(ctx, id)
			require.NoError(t, err)
			same, err := c.GetTicketMetric(ctx, int64(m.ID))
			require.NoError(t, err)
			require.Equal(t, m, same)
			require.Equal(t, int(id), m.TicketID)
			require.Equal(t, 2, m.Replies)
			require.Equal(t, 1, m.Reopens)
			require.Equal(t, 1, m.AssigneeStations)
			require.Equal(t, zendesk.TimeDuration{Calendar: 30, Business: 30}, m.ReplyTimeInMinutes)
			require.Equal(t, 30*60, m.ReplyTimeInSeconds.Calendar)
			require.Equal(t, 180, m.FirstResolutionTimeInMinutes.Calendar)
			require.Equal(t, 240, m.FullResolutionTimeInMinutes.Calendar)
			require.Equal(t, 60, m.AgentWaitTimeInMinutes.Calendar)
			require.Equal(t, 160, m.RequesterWaitTimeInMinutes.Calendar)
			require.Equal(t, 30, m.OnHoldTimeInMinutes.Calendar)
			require.Equal(t, at(240), m.SolvedAt)
			require.Equal(t, at(30), m.InitiallyAssignedAt)
			require.Equal(t, at(30), m.AssignedAt)
			require.Equal(t, at(150), m.LatestCommentAddedAt)
			require.Equal(t, at(200), m.RequesterUpdatedAt)
			require.Equal(t, at(240), m.AssigneeUpdatedAt)
			require.Equal(t, at(240), m.StatusUpdatedAt)

			list, page, err := c.GetTicketMetrics(ctx, &zendesk.TicketMetricListOptions{})
			require.NoError(t, err)
			require.Len(t, list, 2)
			require.Equal(t, int64(2), page.Count)
			require.Equal(t, m, list[0])
			require.Zero(t, list[1].Replies)
			res = env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/metrics.json", list[1].TicketID), nil)
			require.Contains(t, string(res.Body), `"reply_time_in_minutes":{"business":null,"calendar":null}`)
			require.Contains(t, string(res.Body), `"solved_at":null`)

			// Errors in Zendesk's shapes: unknown ticket 404, end users 403.
			res = env.Do(t, "GET", "/api/v2/ticket_metrics/999999.json", nil)
			require.Equal(t, http.StatusNotFound, res.Status)
			require.JSONEq(t, `{"error":"RecordNotFound","description":"Not found"}`, string(res.Body))
			as := apitest.As("rita@example.com", reqToken)
			for _, p := range []string{"/api/v2/ticket_metrics.json", fmt.Sprintf("/api/v2/tickets/%d/metrics.json", id),
				fmt.Sprintf("/api/v2/ticket_metrics/%d.json", id)} {
				res := env.Do(t, "GET", p, nil, as)
				require.Equal(t, http.StatusForbidden, res.Status, p)
			}
		})
	}
}

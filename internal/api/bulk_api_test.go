package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type jobStatusBody struct {
	JobStatus struct {
		ID       string `json:"id"`
		URL      string `json:"url"`
		Status   string `json:"status"`
		Total    int    `json:"total"`
		Progress int    `json:"progress"`
		Results  []struct {
			ID      int64  `json:"id"`
			Action  string `json:"action"`
			Success bool   `json:"success"`
			Status  string `json:"status"`
			Error   string `json:"error"`
		} `json:"results"`
	} `json:"job_status"`
}

type ticketBody struct {
	Ticket struct {
		ID         int64    `json:"id"`
		Status     string   `json:"status"`
		Tags       []string `json:"tags"`
		ExternalID *string  `json:"external_id"`
		Priority   *string  `json:"priority"`
	} `json:"ticket"`
}

func newTicket(t *testing.T, c *zendesk.Client, subject, body string, tags ...string) int64 {
	t.Helper()
	tk, err := c.CreateTicket(t.Context(), zendesk.Ticket{Subject: subject, Comment: &zendesk.TicketComment{Body: body}, Tags: tags})
	require.NoError(t, err)
	return tk.ID
}

func TestUpdateMany(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			a := newTicket(t, c, "A", "first", "keep")
			b2 := newTicket(t, c, "B", "second", "keep", "drop")

			// Bulk: one change for every id, the shape the escalation's "Send stub ID" sends.
			res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/update_many.json?ids=%d,%d,999999", a, b2),
				map[string]any{"ticket": map[string]any{"additional_tags": []string{"followed_up"}, "remove_tags": []string{"drop"}, "priority": "high"}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var job jobStatusBody
			res.Decode(t, &job)
			require.Equal(t, "completed", job.JobStatus.Status)
			require.Equal(t, 3, job.JobStatus.Total)
			require.Len(t, job.JobStatus.Results, 3)
			require.True(t, job.JobStatus.Results[0].Success)
			require.Equal(t, "update", job.JobStatus.Results[0].Action)
			require.Equal(t, "Updated", job.JobStatus.Results[0].Status)
			require.False(t, job.JobStatus.Results[2].Success)
			require.Equal(t, "RecordNotFound", job.JobStatus.Results[2].Error)

			for _, id := range []int64{a, b2} {
				var tk ticketBody
				env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", id), nil).Decode(t, &tk)
				require.ElementsMatch(t, []string{"keep", "followed_up"}, tk.Ticket.Tags)
				require.Equal(t, "high", *tk.Ticket.Priority)
			}
			// Each change went through the write path: it has its own audit.
			audits, _, err := c.GetTicketAudits(t.Context(), a, zendesk.PageOptions{})
			require.NoError(t, err)
			require.Len(t, audits, 2)

			// The job status can be read back.
			again := env.Do(t, "GET", "/api/v2/job_statuses/"+job.JobStatus.ID+".json", nil)
			require.Equal(t, http.StatusOK, again.Status)
			var job2 jobStatusBody
			again.Decode(t, &job2)
			require.Equal(t, job.JobStatus.ID, job2.JobStatus.ID)
			require.Len(t, job2.JobStatus.Results, 3)
			require.Equal(t, http.StatusNotFound, env.Do(t, "GET", "/api/v2/job_statuses/ffff.json", nil).Status)

			// Batch: a change per ticket; an invalid one fails alone.
			res = env.Do(t, "PUT", "/api/v2/tickets/update_many.json", map[string]any{"tickets": []map[string]any{
				{"id": a, "status": "pending", "external_id": "sec-1"},
				{"id": b2, "status": "bogus"},
			}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &job)
			require.True(t, job.JobStatus.Results[0].Success)
			require.False(t, job.JobStatus.Results[1].Success)
			require.Equal(t, "RecordInvalid", job.JobStatus.Results[1].Error)
			var tk ticketBody
			env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", a), nil).Decode(t, &tk)
			require.Equal(t, "pending", tk.Ticket.Status)
			require.Equal(t, "sec-1", *tk.Ticket.ExternalID)

			// Malformed requests.
			require.Equal(t, http.StatusBadRequest, env.Do(t, "PUT", "/api/v2/tickets/update_many.json?ids=", map[string]any{"ticket": map[string]any{}}).Status)
			require.Equal(t, http.StatusBadRequest, env.Do(t, "PUT", "/api/v2/tickets/update_many.json", map[string]any{"ticket": map[string]any{}}).Status)
			require.Equal(t, http.StatusUnprocessableEntity, env.Do(t, "PUT", "/api/v2/tickets/update_many.json",
				map[string]any{"tickets": []map[string]any{{"status": "open"}}}).Status)
		})
	}
}

type deletedBody struct {
	DeletedTickets []struct {
		ID            int64          `json:"id"`
		Subject       string         `json:"subject"`
		PreviousState string         `json:"previous_state"`
		Actor         map[string]any `json:"actor"`
		DeletedAt     string         `json:"deleted_at"`
	} `json:"deleted_tickets"`
	Count int `json:"count"`
}

func TestDeletedTickets(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			a := newTicket(t, c, "Alpha", "one")
			b2 := newTicket(t, c, "Beta", "two")
			c3 := newTicket(t, c, "Gamma", "three")

			require.NoError(t, c.DeleteTicket(t.Context(), a))
			require.Equal(t, http.StatusNotFound, env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", a), nil).Status)
			var del deletedBody
			env.Do(t, "GET", "/api/v2/deleted_tickets.json", nil).Decode(t, &del)
			require.Len(t, del.DeletedTickets, 1)
			require.Equal(t, 1, del.Count)
			require.Equal(t, "Alpha", del.DeletedTickets[0].Subject)
			require.Equal(t, "new", del.DeletedTickets[0].PreviousState)
			require.Equal(t, "Admin", del.DeletedTickets[0].Actor["name"])

			// Restore brings it back.
			res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", a), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.Equal(t, http.StatusOK, env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", a), nil).Status)
			require.Equal(t, http.StatusNotFound, env.Do(t, "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", a), nil).Status)

			// A live ticket can't be purged through deleted_tickets.
			require.Equal(t, http.StatusNotFound, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", a), nil).Status)

			// destroy_many soft-deletes, deleted_tickets/destroy_many purges.
			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/tickets/destroy_many.json?ids=%d,%d", a, b2), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var job jobStatusBody
			res.Decode(t, &job)
			require.Len(t, job.JobStatus.Results, 2)
			require.True(t, job.JobStatus.Results[1].Success)
			env.Do(t, "GET", "/api/v2/deleted_tickets.json", nil).Decode(t, &del)
			require.Len(t, del.DeletedTickets, 2)

			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/destroy_many.json?ids=%d,%d", a, c3), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &job)
			require.True(t, job.JobStatus.Results[0].Success)
			require.False(t, job.JobStatus.Results[1].Success, "a live ticket is not purged by deleted_tickets/destroy_many")

			res = env.Do(t, "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", b2), nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			env.Do(t, "GET", "/api/v2/deleted_tickets.json", nil).Decode(t, &del)
			require.Empty(t, del.DeletedTickets)
			require.Equal(t, http.StatusNotFound, env.Do(t, "PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", b2), nil).Status)
			require.Equal(t, http.StatusOK, env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", c3), nil).Status)
		})
	}
}

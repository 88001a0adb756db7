package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// TestMergeTickets: sources are closed with closed_by_merge and a note, the
// target gets a note naming them, and the answer is a completed job_status.
func TestMergeTickets(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			target := newTicket(t, c, "Printer on floor 3", "it jams")
			a := newTicket(t, c, "Printer jams again", "same printer")
			bID := newTicket(t, c, "Floor 3 printer", "paper stuck")

			res := env.Do(t, "POST", fmt.Sprintf("/api/v2/tickets/%d/merge.json", target), map[string]any{
				"ids": []int64{a, bID}, "target_comment": "Merged the duplicates", "source_comment": "Follow #" + fmt.Sprint(target),
				"source_comment_is_public": true})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var job jobStatusBody
			res.Decode(t, &job)
			require.Equal(t, "completed", job.JobStatus.Status)
			require.Len(t, job.JobStatus.Results, 2)
			for _, r := range job.JobStatus.Results {
				require.True(t, r.Success, "%+v", r)
				require.Equal(t, "merge", r.Action)
			}
			require.Equal(t, http.StatusOK, env.Do(t, "GET", "/api/v2/job_statuses/"+job.JobStatus.ID+".json", nil).Status)

			for _, id := range []int64{a, bID} {
				tk, err := c.GetTicket(t.Context(), id)
				require.NoError(t, err)
				require.Equal(t, "closed", tk.Status)
				require.Contains(t, tk.Tags, "closed_by_merge")
				last := lastComment(t, c, id)
				require.Equal(t, "Follow #"+fmt.Sprint(target), last.Body)
				require.True(t, *last.Public, "source_comment_is_public was true")
			}
			tk, err := c.GetTicket(t.Context(), target)
			require.NoError(t, err)
			require.NotEqual(t, "closed", tk.Status)
			last := lastComment(t, c, target)
			require.Equal(t, "Merged the duplicates", last.Body)
			require.False(t, *last.Public, "merge notes are internal unless asked")

			// Default texts name the other ticket.
			d := newTicket(t, c, "Another duplicate", "again")
			res = env.Do(t, "POST", fmt.Sprintf("/api/v2/tickets/%d/merge", target), map[string]any{"ids": []int64{d}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.Contains(t, lastComment(t, c, d).Body, fmt.Sprintf("merged into request #%d", target))
			require.Contains(t, lastComment(t, c, target).Body, fmt.Sprintf("Request #%d \"Another duplicate\" was closed", d))
		})
	}
}

// TestMergeRefusals: every refusal is Zendesk-shaped and changes no ticket.
func TestMergeRefusals(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	c := env.AdminClient()
	target := newTicket(t, c, "Target", "target body")
	src := newTicket(t, c, "Source", "source body")
	closed := newTicket(t, c, "Done", "done")
	_, err := c.UpdateTicket(t.Context(), closed, zendesk.Ticket{Status: "closed"})
	require.NoError(t, err)
	escalating := newTicket(t, c, "Salary of Jo", "my salary is 4321")
	ctx := context.Background()
	require.NoError(t, env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { // what the forward trigger sets
		tk, err := tx.TicketForUpdate(ctx, escalating)
		if err != nil {
			return err
		}
		before := tk.Clone()
		tk.Tags = append(tk.Tags, peer.TagEscalationInFlight)
		return tx.UpdateTicket(ctx, &before, &tk)
	}))
	_, endToken := env.CreateEndUser(t, "Ann", "ann@example.com")

	for _, tc := range []struct {
		name   string
		target int64
		body   any
		as     []apitest.RequestOption
		status int
		error  string
	}{
		{"into itself", target, map[string]any{"ids": []int64{target}}, nil, 422, "RecordInvalid"},
		{"no ids", target, map[string]any{"ids": []int64{}}, nil, 422, "RecordInvalid"},
		{"six sources", target, map[string]any{"ids": []int64{src, 90001, 90002, 90003, 90004, 90005}}, nil, 422, "RecordInvalid"},
		{"closed target", closed, map[string]any{"ids": []int64{src}}, nil, 422, "RecordInvalid"},
		{"closed source", target, map[string]any{"ids": []int64{src, closed}}, nil, 422, "RecordInvalid"},
		{"unknown source", target, map[string]any{"ids": []int64{src, 999999}}, nil, 404, "RecordNotFound"},
		{"unknown target", 999999, map[string]any{"ids": []int64{src}}, nil, 404, "RecordNotFound"},
		{"escalating source", target, map[string]any{"ids": []int64{src, escalating}}, nil, 422, "RecordInvalid"},
		{"escalating target", escalating, map[string]any{"ids": []int64{src}}, nil, 422, "RecordInvalid"},
		{"end user", target, map[string]any{"ids": []int64{src}}, []apitest.RequestOption{apitest.As("ann@example.com", endToken)}, 403, "Forbidden"},
		{"bad body", target, `{"ids": "x"}`, nil, 422, "RecordInvalid"},
	} {
		res := env.Do(t, "POST", fmt.Sprintf("/api/v2/tickets/%d/merge.json", tc.target), tc.body, tc.as...)
		require.Equal(t, tc.status, res.Status, "%s: %s", tc.name, res.Body)
		if tc.error != "" {
			var e struct {
				Error string `json:"error"`
			}
			res.Decode(t, &e)
			require.Equal(t, tc.error, e.Error, "%s: %s", tc.name, res.Body)
		}
	}
	for _, id := range []int64{target, src, escalating} {
		tk, err := c.GetTicket(t.Context(), id)
		require.NoError(t, err)
		require.NotEqual(t, "closed", tk.Status, "ticket %d", id)
		require.False(t, slices.Contains(tk.Tags, "closed_by_merge"), "ticket %d", id)
		res, err := c.ListTicketComments(t.Context(), id, nil)
		require.NoError(t, err)
		require.Len(t, res.TicketComments, 1, "a refused merge added a comment to ticket %d", id)
	}
}

func lastComment(t *testing.T, c *zendesk.Client, id int64) zendesk.TicketComment {
	t.Helper()
	res, err := c.ListTicketComments(t.Context(), id, nil)
	require.NoError(t, err)
	require.NotEmpty(t, res.TicketComments)
	return res.TicketComments[len(res.TicketComments)-1]
}

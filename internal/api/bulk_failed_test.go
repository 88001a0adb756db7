package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestUpdateManyAllFailedIs422: a webhook only sees the status code, so an
// update_many in which no ticket changed must not answer 2xx.
func TestUpdateManyAllFailedIs422(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	a := newTicket(t, env.AdminClient(), "A", "first")

	res := env.Do(t, "PUT", "/api/v2/tickets/update_many.json?ids=999998,999999",
		map[string]any{"ticket": map[string]any{"status": "pending"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	var body struct {
		jobStatusBody
		Error       string                         `json:"error"`
		Description string                         `json:"description"`
		Details     map[string][]map[string]string `json:"details"`
	}
	res.Decode(t, &body)
	require.Equal(t, "RecordInvalid", body.Error)
	require.Contains(t, body.Description, "All 2 tickets")
	require.Len(t, body.Details["tickets"], 2)
	require.Equal(t, "RecordNotFound", body.Details["tickets"][0]["error"])
	require.Len(t, body.JobStatus.Results, 2, "the job status is kept beside the error")
	require.Equal(t, http.StatusOK, env.Do(t, "GET", "/api/v2/job_statuses/"+body.JobStatus.ID+".json", nil).Status)

	// A batch whose only change is invalid fails too.
	res = env.Do(t, "PUT", "/api/v2/tickets/update_many.json", map[string]any{"tickets": []map[string]any{{"id": a, "status": "bogus"}}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))

	// One success is enough for the usual 200.
	res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/update_many.json?ids=%d,999999", a),
		map[string]any{"ticket": map[string]any{"status": "pending"}})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
}

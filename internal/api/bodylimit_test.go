package api_test

import (
	"net/http"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestTicketBodyOverOneMiB: a ticket create or update carries a whole escalated
// conversation, so it may exceed the general 1 MiB limit (issue 16, item 7: a
// 1.2 MB escalation got a 413 from the secure peer and failed for good).
func TestTicketBodyOverOneMiB(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		mustStatus(t, env.Do(t, "POST", "/api/v2/tickets.json", oversizedBody(2<<20)), http.StatusCreated)
		big := `{"ticket": {"comment": {"body": "` + oversizedBody(2 << 20)[len(`{"ticket": {"subject": "big", "comment": {"body": "`):]
		mustStatus(t, env.Do(t, "PUT", "/api/v2/tickets/1.json", big), http.StatusOK)
	})
}

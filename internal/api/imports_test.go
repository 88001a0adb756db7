package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// go-zendesk has no call for the Ticket Import API nor tickets/create_many, so
// these tests send Zendesk's documented JSON and read back with go-zendesk.

// hookAndTrigger creates a webhook to a counting receiver and a trigger that, on
// every ticket create, tags the ticket "trigger_fired" and calls the webhook.
func hookAndTrigger(t *testing.T, env *apitest.Env) (hookID string, hits *atomic.Int64) {
	t.Helper()
	hits = &atomic.Int64{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	t.Cleanup(rcv.Close)
	res := env.Do(t, "POST", "/api/v2/webhooks.json", map[string]any{"webhook": map[string]any{"name": "count", "endpoint": rcv.URL,
		"http_method": "POST", "request_format": "json", "status": "active", "subscriptions": []string{"conditional_ticket_events"}}})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var hook struct {
		Webhook struct {
			ID string `json:"id"`
		} `json:"webhook"`
	}
	res.Decode(t, &hook)
	res = env.Do(t, "POST", "/api/v2/triggers.json", map[string]any{"trigger": map[string]any{"title": "on create",
		"conditions": map[string]any{"all": []map[string]any{{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": []map[string]any{{"field": "current_tags", "value": "trigger_fired"},
			{"field": "notification_webhook", "value": []string{hook.Webhook.ID, `{"id": "{{ticket.id}}"}`}}}}})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	return hook.Webhook.ID, hits
}

func invocations(t *testing.T, env *apitest.Env, hookID string) int {
	t.Helper()
	var out struct {
		Invocations []map[string]any `json:"invocations"`
	}
	env.Do(t, "GET", "/api/v2/webhooks/"+hookID+"/invocations", nil).Decode(t, &out)
	return len(out.Invocations)
}

func TestImportTicket(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b, apitest.WithQueue())
			c := env.AdminClient()
			ctx := t.Context()
			hookID, hits := hookAndTrigger(t, env)
			agent, _ := env.CreateAgent(t, "Iris Agent", "iris@example.com")
			requester, _ := env.CreateEndUser(t, "Eve Employee", "eve@example.com")
			up := upload(t, c, "payslip.txt", "", []byte("payslip of march"))

			created := "2024-03-01T09:00:00Z"
			times := []string{"2024-03-01T09:00:00Z", "2024-03-01T10:30:00Z", "2024-03-02T08:15:00Z"}
			res := env.Do(t, "POST", "/api/v2/imports/tickets.json?archive_immediately=false", map[string]any{"ticket": map[string]any{
				"subject": "Payslip wrong", "requester_id": requester, "assignee_id": agent, "status": "solved",
				"tags": []string{"migrated"}, "created_at": created, "updated_at": "2024-03-03T12:00:00Z", "solved_at": "2024-03-03T12:00:00Z",
				"archive_immediately": true,
				"comments": []map[string]any{
					{"author_id": requester, "value": "My March payslip is wrong.", "created_at": times[0], "uploads": []string{up.Token}},
					{"author_id": agent, "body": "Checking with payroll.", "public": false, "created_at": times[1]},
					{"author_id": agent, "html_body": "<p>Fixed, new payslip sent.</p>", "public": true, "created_at": times[2]},
				}}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			var out ticketBody
			res.Decode(t, &out)
			id := out.Ticket.ID

			tk, err := c.GetTicket(ctx, id)
			require.NoError(t, err)
			require.Equal(t, created, tk.CreatedAt.UTC().Format(time.RFC3339))
			require.Equal(t, "2024-03-03T12:00:00Z", tk.UpdatedAt.UTC().Format(time.RFC3339))
			require.Equal(t, "solved", tk.Status)
			require.Equal(t, "My March payslip is wrong.", tk.Description)
			require.Equal(t, requester, tk.RequesterID)
			require.Equal(t, "import", tk.Via.Channel)
			// The trigger would fire on any create: an import runs none (Zendesk).
			require.Equal(t, []string{"migrated"}, tk.Tags)

			list, err := c.ListTicketComments(ctx, id, &zendesk.ListTicketCommentsOptions{})
			require.NoError(t, err)
			comments := list.TicketComments
			require.Len(t, comments, 3)
			wantAuthors := []int64{requester, agent, agent}
			wantPublic := []bool{true, false, true}
			for i, cm := range comments {
				require.Equal(t, wantAuthors[i], cm.AuthorID, "comment %d", i)
				require.Equal(t, wantPublic[i], *cm.Public, "comment %d", i)
				require.Equal(t, times[i], cm.CreatedAt.UTC().Format(time.RFC3339), "comment %d", i)
			}
			require.Len(t, comments[0].Attachments, 1)
			require.Equal(t, "payslip.txt", comments[0].Attachments[0].FileName)

			audits, _, err := c.GetTicketAudits(ctx, id, zendesk.PageOptions{})
			require.NoError(t, err)
			require.Len(t, audits, 3)
			for _, a := range audits {
				require.Equal(t, "import", a.Via.Channel)
				for _, e := range a.Events {
					ev, _ := e.(map[string]any)
					require.NotEqual(t, "Notification", ev["type"], "audit %d has a notification", a.ID)
					require.Nil(t, ev["via"], "audit %d has an event made by a trigger", a.ID)
				}
			}
			require.Equal(t, times[1], audits[1].CreatedAt.UTC().Format(time.RFC3339))
			require.Equal(t, agent, audits[1].AuthorID)
			require.Zero(t, invocations(t, env, hookID), "an import called the webhook")

			// The comments are searchable.
			var found struct {
				Count int `json:"count"`
			}
			env.Do(t, "GET", "/api/v2/search.json?query=payroll", nil).Decode(t, &found)
			require.Equal(t, 1, found.Count)

			// A closed ticket may be imported (a create can't be closed); a time
			// before 1970 is rounded up to 1970, as Zendesk does.
			res = env.Do(t, "POST", "/api/v2/imports/tickets", map[string]any{"ticket": map[string]any{
				"subject": "Old", "requester_id": requester, "assignee_id": agent, "status": "closed", "description": "long ago",
				"created_at": "1960-05-01T00:00:00Z"}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			res.Decode(t, &out)
			old, err := c.GetTicket(ctx, out.Ticket.ID)
			require.NoError(t, err)
			require.Equal(t, "closed", old.Status)
			require.Equal(t, "1970-01-01T00:00:00Z", old.CreatedAt.UTC().Format(time.RFC3339))

			// A create through the normal path does fire the trigger: the receiver
			// above is reachable and the check is not vacuous.
			newTicket(t, c, "live", "fires")
			require.Eventually(t, func() bool { return hits.Load() == 1 }, 10*time.Second, 20*time.Millisecond)
		})
	}
}

func TestImportTicketInvalidWritesNothing(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			agent, _ := env.CreateAgent(t, "Iris Agent", "iris@example.com")
			count := func() (int64, int64) {
				var tc struct {
					Count struct {
						Value int64 `json:"value"`
					} `json:"count"`
				}
				env.Do(t, "GET", "/api/v2/tickets/count.json", nil).Decode(t, &tc)
				var users struct {
					Users []any `json:"users"`
				}
				env.Do(t, "GET", "/api/v2/users.json", nil).Decode(t, &users)
				return tc.Count.Value, int64(len(users.Users))
			}
			t0, u0 := count()
			// A new author by email would be created, but the third comment names a
			// user that doesn't exist: the whole import is refused.
			res := env.Do(t, "POST", "/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{
				"subject": "Broken", "requester": map[string]any{"name": "New Person", "email": "new@example.com"},
				"comments": []map[string]any{
					{"author": map[string]any{"name": "Also New", "email": "alsonew@example.com"}, "value": "hello", "created_at": "2024-01-01T00:00:00Z"},
					{"author_id": agent, "value": "reply"},
					{"author_id": 987654, "value": "ghost"},
				}}})
			require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			var e struct {
				Error   string                      `json:"error"`
				Details map[string][]map[string]any `json:"details"`
			}
			res.Decode(t, &e)
			require.Equal(t, "RecordInvalid", e.Error)
			require.Contains(t, e.Details, "comments[2].author_id")
			t1, u1 := count()
			require.Equal(t, t0, t1, "a refused import left a ticket")
			require.Equal(t, u0, u1, "a refused import left users it created")

			// Bad times are 422s too.
			for _, body := range []map[string]any{
				{"subject": "x", "created_at": "yesterday", "description": "d"},
				{"subject": "x", "created_at": "2024-02-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z", "description": "d"},
				{"subject": "x"},
				{"subject": "x", "comments": []map[string]any{{"value": "from the future", "created_at": "2999-01-01T00:00:00Z"}}},
				{"subject": "x", "comments": []map[string]any{{"value": "v", "author": "not an object"}}},
			} {
				res := env.Do(t, "POST", "/api/v2/imports/tickets.json", map[string]any{"ticket": body})
				require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
			}
			t2, _ := count()
			require.Equal(t, t0, t2)
		})
	}
}

func TestImportTicketAdminsOnly(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, agentToken := env.CreateAgent(t, "Iris Agent", "iris@example.com")
	_, endToken := env.CreateEndUser(t, "Eve Employee", "eve@example.com")
	one := map[string]any{"ticket": map[string]any{"subject": "x", "description": "d"}}
	many := map[string]any{"tickets": []any{one["ticket"]}}
	for _, who := range []apitest.RequestOption{apitest.As("iris@example.com", agentToken), apitest.As("eve@example.com", endToken)} {
		require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/imports/tickets.json", one, who).Status)
		require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/imports/tickets/create_many.json", many, who).Status)
	}
	// tickets/create_many is for agents, not end users.
	require.Equal(t, http.StatusForbidden, env.Do(t, "POST", "/api/v2/tickets/create_many.json", many, apitest.As("eve@example.com", endToken)).Status)
	require.Equal(t, http.StatusOK, env.Do(t, "POST", "/api/v2/tickets/create_many.json", many, apitest.As("iris@example.com", agentToken)).Status)
}

func TestImportAndCreateMany(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b, apitest.WithQueue())
			c := env.AdminClient()
			hookID, _ := hookAndTrigger(t, env)

			res := env.Do(t, "POST", "/api/v2/imports/tickets/create_many.json", map[string]any{"tickets": []map[string]any{
				{"subject": "one", "created_at": "2023-05-01T00:00:00Z", "comments": []map[string]any{{"value": "first", "created_at": "2023-05-01T00:00:00Z"}}},
				{"subject": "bad", "status": "bogus", "description": "x"},
				{"subject": "two", "description": "second"},
			}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			var job jobStatusBody
			res.Decode(t, &job)
			require.Equal(t, "completed", job.JobStatus.Status)
			require.Len(t, job.JobStatus.Results, 3)
			require.True(t, job.JobStatus.Results[0].Success)
			require.False(t, job.JobStatus.Results[1].Success)
			require.Equal(t, "RecordInvalid", job.JobStatus.Results[1].Error)
			require.True(t, job.JobStatus.Results[2].Success)
			imported, err := c.GetTicket(t.Context(), job.JobStatus.Results[0].ID)
			require.NoError(t, err)
			require.Equal(t, "2023-05-01T00:00:00Z", imported.CreatedAt.UTC().Format(time.RFC3339))
			require.NotContains(t, imported.Tags, "trigger_fired")
			require.Zero(t, invocations(t, env, hookID))

			// tickets/create_many runs triggers, as a single create does.
			res = env.Do(t, "POST", "/api/v2/tickets/create_many.json", map[string]any{"tickets": []map[string]any{
				{"subject": "a", "comment": map[string]any{"body": "A"}},
				{"subject": "b"},
				{"subject": "c", "comment": map[string]any{"body": "C"}, "priority": "high"},
			}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &job)
			require.Len(t, job.JobStatus.Results, 3)
			require.True(t, job.JobStatus.Results[0].Success)
			require.Equal(t, "create", job.JobStatus.Results[0].Action)
			require.False(t, job.JobStatus.Results[1].Success, "a ticket without a description is refused")
			require.True(t, job.JobStatus.Results[2].Success)
			for _, i := range []int{0, 2} {
				tk, err := c.GetTicket(t.Context(), job.JobStatus.Results[i].ID)
				require.NoError(t, err)
				require.Contains(t, tk.Tags, "trigger_fired")
			}
			require.Equal(t, 2, invocations(t, env, hookID))

			again := env.Do(t, "GET", "/api/v2/job_statuses/"+job.JobStatus.ID+".json", nil)
			require.Equal(t, http.StatusOK, again.Status)

			tooMany := make([]map[string]any, 101)
			for i := range tooMany {
				tooMany[i] = map[string]any{"subject": fmt.Sprint(i), "description": "d"}
			}
			require.Equal(t, http.StatusBadRequest, env.Do(t, "POST", "/api/v2/tickets/create_many.json", map[string]any{"tickets": tooMany}).Status)
			require.Equal(t, http.StatusBadRequest, env.Do(t, "POST", "/api/v2/imports/tickets/create_many.json", map[string]any{"tickets": tooMany}).Status)
		})
	}
}

// An upload token is the uploader's: an admin importing can't take another
// user's file, and the refused import leaves nothing behind.
func TestImportTicketOthersUpload(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, agentToken := env.CreateAgent(t, "Iris Agent", "iris@example.com")
	theirs := upload(t, env.Client("iris@example.com", agentToken), "contract.pdf", "", []byte("%PDF contract"))
	res := env.Do(t, "POST", "/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "take it", "comments": []map[string]any{{"value": "mine now", "uploads": []string{theirs.Token}}}}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	var n struct {
		Count struct {
			Value int64 `json:"value"`
		} `json:"count"`
	}
	env.Do(t, "GET", "/api/v2/tickets/count.json", nil).Decode(t, &n)
	require.Zero(t, n.Count.Value)
}

// BenchmarkImportMany measures imports/tickets/create_many on SQLite: batches of
// 100 tickets with 3 comments each by 2 authors, one client. It reports
// tickets/s, the figure issue 21 asks of a twindesk to twindesk migration.
func BenchmarkImportMany(b *testing.B) {
	env := apitest.New(b, apitest.SQLite)
	agent, _ := env.CreateAgent(b, "Iris Agent", "iris@example.com")
	end, _ := env.CreateEndUser(b, "Eve Employee", "eve@example.com")
	tickets := make([]map[string]any, 100)
	for i := range tickets {
		tickets[i] = map[string]any{"subject": fmt.Sprintf("Imported %d", i), "requester_id": end, "assignee_id": agent, "status": "solved",
			"created_at": "2024-03-01T09:00:00Z", "tags": []string{"migrated"}, "comments": []map[string]any{
				{"author_id": end, "value": "My payslip is wrong, the overtime of March is missing.", "created_at": "2024-03-01T09:00:00Z"},
				{"author_id": agent, "value": "Checking with payroll.", "public": false, "created_at": "2024-03-01T10:00:00Z"},
				{"author_id": agent, "value": "Fixed in the next run.", "created_at": "2024-03-02T10:00:00Z"}}}
	}
	body := map[string]any{"tickets": tickets}
	b.ResetTimer()
	for range b.N {
		if res := env.Do(b, "POST", "/api/v2/imports/tickets/create_many.json", body); res.Status != http.StatusOK {
			b.Fatalf("import: %d %s", res.Status, res.Body)
		}
	}
	b.ReportMetric(float64(b.N*len(tickets))/b.Elapsed().Seconds(), "tickets/s")
}

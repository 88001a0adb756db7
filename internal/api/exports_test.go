package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// go-zendesk has no incremental export calls, so these tests read Zendesk's
// documented JSON over plain HTTP.

type exportTicket struct {
	ID                 int64    `json:"id"`
	Status             string   `json:"status"`
	Subject            string   `json:"subject"`
	Tags               []string `json:"tags"`
	GeneratedTimestamp int64    `json:"generated_timestamp"`
}

type cursorPageJSON struct {
	Tickets      []exportTicket `json:"tickets"`
	AfterURL     string         `json:"after_url"`
	AfterCursor  string         `json:"after_cursor"`
	BeforeCursor *string        `json:"before_cursor"`
	EndOfStream  bool           `json:"end_of_stream"`
}

type timePageJSON struct {
	Tickets     []exportTicket `json:"tickets"`
	NextPage    string         `json:"next_page"`
	Count       int            `json:"count"`
	EndTime     int64          `json:"end_time"`
	EndOfStream bool           `json:"end_of_stream"`
}

// pathOf turns an absolute link of the answer into a path for env.Do.
func pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	return u.RequestURI()
}

// settle waits until the changes made so far are old enough to be exported.
func settle() { time.Sleep(desk.ExportSettle + 1100*time.Millisecond) }

// walkCursor follows after_url from first until end_of_stream and returns every
// ticket and every raw body read.
func walkCursor(t *testing.T, env *apitest.Env, first string) ([]exportTicket, string, string) {
	t.Helper()
	var all []exportTicket
	var bodies strings.Builder
	path := first
	for range 1000 {
		res := env.Do(t, "GET", path, nil)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		bodies.Write(res.Body)
		var page cursorPageJSON
		res.Decode(t, &page)
		require.Nil(t, page.BeforeCursor)
		all = append(all, page.Tickets...)
		path = pathOf(t, page.AfterURL)
		if page.EndOfStream {
			return all, page.AfterCursor, bodies.String()
		}
	}
	t.Fatal("the cursor walk never ended")
	return nil, "", ""
}

func TestIncrementalTicketCursorExport(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			ctx := t.Context()
			const canary = "CANARY-7f3a-payroll-secret"
			var ids []int64
			for i := range 5 {
				res := env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{
					"subject": fmt.Sprintf("Export %d", i), "comment": map[string]any{"body": "hello"}}})
				require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
				var out ticketBody
				res.Decode(t, &out)
				ids = append(ids, out.Ticket.ID)
			}
			// A ticket escalated to secure and purged here by the flow: its
			// content must not come back through any export.
			secret := []store.BulkTicket{{Ticket: model.Ticket{Subject: canary, Description: canary, Status: model.StatusOpen,
				RequesterID: env.AdminID, SubmitterID: env.AdminID, Tags: []string{peer.TagEscalationInFlight, "canary_tag"}, Via: "api",
				CreatedAt: time.Now(), UpdatedAt: time.Now()},
				Entries: []store.BulkEntry{{Audit: model.Audit{AuthorID: env.AdminID, Via: "api", CreatedAt: time.Now(),
					Events: []model.AuditEvent{{Type: "Comment", Body: canary}}},
					Comment: &model.Comment{AuthorID: env.AdminID, Body: canary, Public: true, Via: "api", CreatedAt: time.Now()}}}}}
			require.NoError(t, env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, secret) }))
			admin, err := env.Instance.DB.Read().User(ctx, env.AdminID)
			require.NoError(t, err)
			require.NoError(t, env.Instance.Desk.PurgeTicket(ctx, admin, secret[0].Ticket.ID))

			require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", ids[1]), nil).Status)
			res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", ids[0]), map[string]any{"ticket": map[string]any{"priority": "high"}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			settle()

			all, after, bodies := walkCursor(t, env, "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=2")
			for _, p := range []string{"/api/v2/incremental/tickets.json?start_time=0",
				"/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events"} {
				res := env.Do(t, "GET", p, nil)
				require.Equal(t, http.StatusOK, res.Status, string(res.Body))
				require.Contains(t, string(res.Body), "hello", p) // the other tickets' content is there
				bodies += string(res.Body)
			}
			require.NotContains(t, bodies, canary)
			require.NotContains(t, bodies, "canary_tag")
			got := map[int64]exportTicket{}
			var order []int64
			for i, e := range all {
				_, dup := got[e.ID]
				require.False(t, dup, "ticket %d twice", e.ID)
				got[e.ID] = e
				order = append(order, e.ID)
				if i > 0 {
					require.LessOrEqual(t, all[i-1].GeneratedTimestamp, e.GeneratedTimestamp, "out of order")
				}
			}
			require.Len(t, got, 6, "ids %v", order)
			require.Equal(t, "deleted", got[ids[1]].Status)
			require.Equal(t, "Export 1", got[ids[1]].Subject, "a soft-deleted ticket keeps its content")
			purged := got[secret[0].Ticket.ID]
			require.Equal(t, exportTicket{ID: secret[0].Ticket.ID, Status: "deleted", GeneratedTimestamp: purged.GeneratedTimestamp}, purged)
			require.Equal(t, ids[0], order[len(order)-1], "the last update comes last")

			// Polling from the last cursor finds nothing until something changes.
			var empty cursorPageJSON
			env.Do(t, "GET", "/api/v2/incremental/tickets/cursor.json?cursor="+after, nil).Decode(t, &empty)
			require.Empty(t, empty.Tickets)
			require.True(t, empty.EndOfStream)
			require.Equal(t, after, empty.AfterCursor)
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", ids[3]), map[string]any{"ticket": map[string]any{"status": "pending"}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			settle()
			var next cursorPageJSON
			env.Do(t, "GET", "/api/v2/incremental/tickets/cursor.json?cursor="+after, nil).Decode(t, &next)
			require.Len(t, next.Tickets, 1)
			require.Equal(t, ids[3], next.Tickets[0].ID)
			require.Equal(t, "pending", next.Tickets[0].Status)

			// exclude_deleted leaves out the deleted and the purged.
			excl, _, _ := walkCursor(t, env, "/api/v2/incremental/tickets/cursor.json?start_time=0&exclude_deleted=true")
			require.Len(t, excl, 4)
			for _, e := range excl {
				require.NotEqual(t, "deleted", e.Status)
			}
		})
	}
}

// TestIncrementalTicketTimeExport checks Zendesk's time-based pages: at most
// 1,000 tickets, ending on a whole second, so that next_page (start_time =
// end_time) neither repeats nor skips a ticket; a second holding more than
// 1,000 tickets comes whole in one page.
func TestIncrementalTicketTimeExport(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			ctx := t.Context()
			base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
			// 700 tickets in second 0, 600 in second 1, 1,200 in second 5, 10 in second 9.
			spread := []struct{ sec, n int }{{0, 700}, {1, 600}, {5, 1200}, {9, 10}}
			var bts []store.BulkTicket
			for _, s := range spread {
				for i := range s.n {
					at := base.Add(time.Duration(s.sec)*time.Second + time.Duration(i)*time.Microsecond)
					bts = append(bts, store.BulkTicket{Ticket: model.Ticket{Subject: "bulk", Description: "bulk", Status: model.StatusOpen,
						RequesterID: env.AdminID, SubmitterID: env.AdminID, Via: "api", CreatedAt: at, UpdatedAt: at},
						Entries: []store.BulkEntry{{Audit: model.Audit{AuthorID: env.AdminID, Via: "api", CreatedAt: at}}}})
				}
			}
			require.NoError(t, env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertTickets(ctx, bts) }))

			var sizes []int
			seen := map[int64]bool{}
			path := fmt.Sprintf("/api/v2/incremental/tickets.json?start_time=%d", base.Unix())
			for {
				res := env.Do(t, "GET", path, nil)
				require.Equal(t, http.StatusOK, res.Status, string(res.Body))
				var page timePageJSON
				res.Decode(t, &page)
				require.Equal(t, len(page.Tickets), page.Count)
				sizes = append(sizes, page.Count)
				for _, e := range page.Tickets {
					require.False(t, seen[e.ID], "ticket %d twice", e.ID)
					seen[e.ID] = true
					require.Less(t, e.GeneratedTimestamp, page.EndTime)
				}
				require.Equal(t, fmt.Sprint(page.EndTime), pathQuery(t, page.NextPage, "start_time"))
				if page.EndOfStream {
					break
				}
				path = pathOf(t, page.NextPage)
			}
			require.Equal(t, []int{700, 600, 1200, 10}, sizes)
			require.Len(t, seen, len(bts))

			// Zendesk's errors for a bad request: 400, and admins only.
			for _, p := range []string{"/api/v2/incremental/tickets.json", "/api/v2/incremental/tickets.json?start_time=abc",
				fmt.Sprintf("/api/v2/incremental/tickets.json?start_time=%d", time.Now().Add(time.Hour).Unix()),
				"/api/v2/incremental/tickets/cursor.json?cursor=bm9wZQ", "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1001"} {
				res := env.Do(t, "GET", p, nil)
				require.Equal(t, http.StatusBadRequest, res.Status, p)
				require.Contains(t, string(res.Body), `"error":"InvalidRequest"`)
			}
			_, agentToken := env.CreateAgent(t, "Ann Agent", "ann@example.com")
			_, endToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
			for _, as := range []apitest.RequestOption{apitest.As("ann@example.com", agentToken), apitest.As("eve@example.com", endToken)} {
				for _, p := range []string{"/api/v2/incremental/tickets.json?start_time=0", "/api/v2/incremental/tickets/cursor.json?start_time=0",
					"/api/v2/incremental/ticket_events.json?start_time=0", "/api/v2/incremental/users.json?start_time=0",
					"/api/v2/incremental/users/cursor.json?start_time=0"} {
					res := env.Do(t, "GET", p, nil, as)
					require.Equal(t, http.StatusForbidden, res.Status, p)
					require.NotContains(t, string(res.Body), "bulk")
				}
			}
		})
	}
}

func pathQuery(t *testing.T, link, key string) string {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	return u.Query().Get(key)
}

func TestIncrementalTicketEventsAndUsers(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			start := time.Now().Unix() - 1
			res := env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{
				"subject": "Printer", "priority": "low", "comment": map[string]any{"body": "the printer is on fire"}}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			var tk ticketBody
			res.Decode(t, &tk)
			res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", tk.Ticket.ID), map[string]any{"ticket": map[string]any{
				"priority": "urgent", "comment": map[string]any{"body": "still burning", "public": false}}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			userID, _ := env.CreateEndUser(t, "Una User", "una@example.com")
			settle()

			type child map[string]any
			var events struct {
				TicketEvents []struct {
					TicketID    int64   `json:"ticket_id"`
					EventType   string  `json:"event_type"`
					Timestamp   int64   `json:"timestamp"`
					UpdaterID   int64   `json:"updater_id"`
					Via         string  `json:"via"`
					ChildEvents []child `json:"child_events"`
				} `json:"ticket_events"`
				Count       int  `json:"count"`
				EndOfStream bool `json:"end_of_stream"`
			}
			path := fmt.Sprintf("/api/v2/incremental/ticket_events.json?start_time=%d", start)
			res = env.Do(t, "GET", path, nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.NotContains(t, string(res.Body), "printer is on fire", "comments only with include=comment_events")
			res.Decode(t, &events)
			require.Equal(t, 2, events.Count)
			require.True(t, events.EndOfStream)
			ev := events.TicketEvents[1]
			require.Equal(t, "Audit", ev.EventType)
			require.Equal(t, "Web service", ev.Via)
			require.Equal(t, env.AdminID, ev.UpdaterID)
			require.Contains(t, ev.ChildEvents, child{"id": ev.ChildEvents[0]["id"], "event_type": "Change", "priority": "urgent",
				"previous_value": "low", "via": "Web service", "via_reference_id": nil})

			res = env.Do(t, "GET", path+"&include=comment_events", nil)
			require.Contains(t, string(res.Body), "the printer is on fire")
			require.Contains(t, string(res.Body), "still burning")

			var users struct {
				Users []struct {
					ID int64 `json:"id"`
				} `json:"users"`
				EndOfStream bool   `json:"end_of_stream"`
				AfterCursor string `json:"after_cursor"`
				Count       int    `json:"count"`
			}
			env.Do(t, "GET", fmt.Sprintf("/api/v2/incremental/users.json?start_time=%d", start), nil).Decode(t, &users)
			require.Equal(t, userID, users.Users[len(users.Users)-1].ID)
			require.Equal(t, len(users.Users), users.Count)
			users.Users = nil
			env.Do(t, "GET", "/api/v2/incremental/users/cursor.json?start_time=0&per_page=1", nil).Decode(t, &users)
			require.Len(t, users.Users, 1)
			require.Equal(t, env.AdminID, users.Users[0].ID)
			require.False(t, users.EndOfStream)
			require.NotEmpty(t, users.AfterCursor)
		})
	}
}

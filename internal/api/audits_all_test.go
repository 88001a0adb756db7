package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type allAuditsPage struct {
	Audits []struct {
		ID       int64 `json:"id"`
		TicketID int64 `json:"ticket_id"`
	} `json:"audits"`
	Meta struct {
		HasMore     bool   `json:"has_more"`
		AfterCursor string `json:"after_cursor"`
	} `json:"meta"`
	AfterCursor *string `json:"after_cursor"`
	AfterURL    *string `json:"after_url"`
}

// TestAllTicketAudits walks GET /api/v2/ticket_audits by cursor, with plain
// HTTP and with go-zendesk's GetAllTicketAudits: every live ticket's audits
// once, oldest first; a soft-deleted ticket's are left out; admins only.
func TestAllTicketAudits(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		var want []int64
		var gone int64
		for i := range 3 {
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: fmt.Sprint("T", i), Comment: &zendesk.TicketComment{Body: "x"}})
			require.NoError(t, err)
			_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Priority: "high"})
			require.NoError(t, err)
			if i == 1 {
				gone = tk.ID
				require.NoError(t, c.DeleteTicket(ctx, tk.ID))
				continue
			}
			audits, _, err := c.GetTicketAudits(ctx, tk.ID, zendesk.PageOptions{})
			require.NoError(t, err)
			for _, a := range audits {
				want = append(want, a.ID)
			}
		}
		require.Len(t, want, 4)

		var got []int64
		path := "/api/v2/ticket_audits.json?page[size]=3"
		for {
			var page allAuditsPage
			res := env.Do(t, "GET", path, nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &page)
			for _, a := range page.Audits {
				require.NotEqual(t, gone, a.TicketID, "a soft-deleted ticket's audits are left out")
				got = append(got, a.ID)
			}
			if !page.Meta.HasMore {
				require.Nil(t, page.AfterURL)
				break
			}
			require.NotNil(t, page.AfterCursor)
			require.Equal(t, page.Meta.AfterCursor, *page.AfterCursor)
			path = "/api/v2/ticket_audits.json?page[size]=3&page[after]=" + page.Meta.AfterCursor
		}
		require.Equal(t, want, got, "each audit once, oldest first")

		// The older cursor style, as go-zendesk's GetAllTicketAudits pages.
		var first allAuditsPage
		env.Do(t, "GET", "/api/v2/ticket_audits.json?limit=1", nil).Decode(t, &first)
		require.Len(t, first.Audits, 1)
		require.NotNil(t, first.AfterURL)
		require.Contains(t, *first.AfterURL, "cursor=")
		rest, cursor, err := c.GetAllTicketAudits(ctx, zendesk.CursorOption{Cursor: *first.AfterCursor})
		require.NoError(t, err)
		require.Empty(t, cursor.AfterCursor, "the last page")
		ids := []int64{first.Audits[0].ID}
		for _, a := range rest {
			ids = append(ids, a.ID)
			require.NotEmpty(t, a.Events)
		}
		require.Equal(t, want, ids)

		_, agentToken := env.CreateAgent(t, "Ada", "ada@example.com")
		_, _, err = env.Client("ada@example.com", agentToken).GetAllTicketAudits(ctx, zendesk.CursorOption{})
		requireStatus(t, err, http.StatusForbidden)
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/ticket_audits.json?page=2", nil).Status)
		require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/ticket_audits.json?cursor=bogus", nil).Status)
	})
}

// TestCommentIDIsAuditEventID checks that a comment's id is the id of the
// Comment event of the audit that added it, in the ticket's audits, the
// account's audits and the ticket events export, as in Zendesk.
func TestCommentIDIsAuditEventID(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		// Two tickets, so comment ids and audit ids drift apart.
		other, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Other", Comment: &zendesk.TicketComment{Body: "x"}})
		require.NoError(t, err)
		_, err = c.UpdateTicket(ctx, other.ID, zendesk.Ticket{Priority: "low"})
		require.NoError(t, err)
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Printer", Comment: &zendesk.TicketComment{Body: "jammed"}})
		require.NoError(t, err)
		_, err = c.UpdateTicket(ctx, tk.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "on it", Public: new(false)}, Status: "open"})
		require.NoError(t, err)

		var comments struct {
			Comments []struct {
				ID      int64 `json:"id"`
				AuditID int64 `json:"audit_id"`
			} `json:"comments"`
		}
		env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", tk.ID), nil).Decode(t, &comments)
		require.Len(t, comments.Comments, 2)
		byAudit := map[int64]int64{}
		for _, cm := range comments.Comments {
			byAudit[cm.AuditID] = cm.ID
		}
		commentEvents := func(audits []zendesk.TicketAudit) map[int64]int64 {
			out := map[int64]int64{}
			for _, a := range audits {
				if a.TicketID != tk.ID {
					continue
				}
				for _, e := range a.Events {
					ev := e.(map[string]any)
					if ev["type"] == "Comment" {
						out[a.ID] = int64(ev["id"].(float64))
					}
				}
			}
			return out
		}
		audits, _, err := c.GetTicketAudits(ctx, tk.ID, zendesk.PageOptions{})
		require.NoError(t, err)
		require.Equal(t, byAudit, commentEvents(audits), "ticket audits")
		all, _, err := c.GetAllTicketAudits(ctx, zendesk.CursorOption{})
		require.NoError(t, err)
		require.Equal(t, byAudit, commentEvents(all), "account audits")

		// The export leaves the last whole second for the next page: poll.
		fromExport := map[int64]int64{}
		require.Eventually(t, func() bool {
			var export struct {
				TicketEvents []struct {
					ID          int64            `json:"id"`
					TicketID    int64            `json:"ticket_id"`
					ChildEvents []map[string]any `json:"child_events"`
				} `json:"ticket_events"`
			}
			env.Do(t, "GET", "/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events", nil).Decode(t, &export)
			for _, e := range export.TicketEvents {
				for _, ch := range e.ChildEvents {
					if e.TicketID == tk.ID && ch["event_type"] == "Comment" {
						fromExport[e.ID] = int64(ch["id"].(float64))
					}
				}
			}
			return len(fromExport) == 2
		}, 5*time.Second, 200*time.Millisecond)
		require.Equal(t, byAudit, fromExport, "ticket events export")
	})
}

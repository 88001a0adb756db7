package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

type tagsBody struct {
	Tags []string `json:"tags"`
}

type tagListBody struct {
	Tags []struct {
		Name  string `json:"name"`
		Count int64  `json:"count"`
	} `json:"tags"`
	Count    *int64  `json:"count"`
	NextPage *string `json:"next_page"`
	Meta     struct {
		HasMore     bool    `json:"has_more"`
		AfterCursor *string `json:"after_cursor"`
	} `json:"meta"`
}

func TestTicketTagsEndpoints(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			// A trigger proves the tag endpoints update the ticket like any update.
			res := env.Do(t, "POST", "/api/v2/triggers.json", map[string]any{"trigger": map[string]any{"title": "vip is urgent",
				"conditions": map[string]any{"all": []map[string]any{{"field": "current_tags", "operator": "includes", "value": "vip"},
					{"field": "priority", "operator": "is_not", "value": "urgent"}}},
				"actions": []map[string]any{{"field": "priority", "value": "urgent"}}}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Laptop", Tags: []string{"hardware"},
				Comment: &zendesk.TicketComment{Body: "broken screen"}})
			require.NoError(t, err)
			path := fmt.Sprintf("/api/v2/tickets/%d/tags.json", tk.ID)

			tags, err := c.AddTicketTags(ctx, tk.ID, []zendesk.Tag{"VIP", "screen"})
			require.NoError(t, err)
			require.Equal(t, []zendesk.Tag{"hardware", "vip", "screen"}, tags)
			got, err := c.GetTicket(ctx, tk.ID)
			require.NoError(t, err)
			require.Equal(t, "urgent", got.Priority, "the trigger ran")
			audits, _, err := c.GetTicketAudits(ctx, tk.ID, zendesk.PageOptions{})
			require.NoError(t, err)
			require.Len(t, audits, 2, "the tags change has its audit")

			var out tagsBody
			res = env.Do(t, "POST", path, map[string]any{"tags": []string{"replaced", "vip"}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			res.Decode(t, &out)
			require.Equal(t, []string{"replaced", "vip"}, out.Tags)
			res = env.Do(t, "DELETE", path, map[string]any{"tags": []string{"vip", "absent"}})
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &out)
			require.Equal(t, []string{"replaced"}, out.Tags)
			fromClient, err := c.GetTicketTags(ctx, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []zendesk.Tag{"replaced"}, fromClient)

			// Bad input changes nothing and says why, in Zendesk's shapes.
			before := env.Counts(t)
			for _, bad := range []struct {
				method string
				body   any
				status int
				want   string
			}{
				{"PUT", map[string]any{"tag": []string{"x"}}, http.StatusUnprocessableEntity, `"tags"`},
				{"PUT", map[string]any{"tags": "x"}, http.StatusUnprocessableEntity, "must be a list"},
				{"PUT", map[string]any{"tags": []string{"escalated_to_secure"}}, http.StatusUnprocessableEntity, "RecordInvalid"},
				{"POST", map[string]any{"tags": []string{"a"}, "safe_update": true, "updated_stamp": "2001-01-01T00:00:00Z"}, http.StatusConflict, "UpdateConflict"},
			} {
				res := env.Do(t, bad.method, path, bad.body)
				require.Equal(t, bad.status, res.Status, string(res.Body))
				require.Contains(t, string(res.Body), bad.want)
			}
			res = env.Do(t, "PUT", "/api/v2/tickets/999999/tags.json", map[string]any{"tags": []string{"x"}})
			require.Equal(t, http.StatusNotFound, res.Status)
			require.JSONEq(t, `{"error":"RecordNotFound","description":"Not found"}`, string(res.Body))
			require.Equal(t, before, env.Counts(t))
			fromClient, err = c.GetTicketTags(ctx, tk.ID)
			require.NoError(t, err)
			require.Equal(t, []zendesk.Tag{"replaced"}, fromClient)

			// An end user, even the ticket's requester, neither reads nor edits tags.
			endID, endToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
			res = env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "mine",
				"requester_id": endID, "tags": []string{"own_tag"}, "comment": map[string]any{"body": "x"}}})
			require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
			var own ticketBody
			res.Decode(t, &own)
			as := apitest.As("eve@example.com", endToken)
			for _, req := range []struct{ method, path string }{{"GET", "/api/v2/tags.json"}, {"GET", "/api/v2/tags/count.json"},
				{"GET", "/api/v2/autocomplete/tags.json?name=re"}, {"GET", path},
				{"GET", fmt.Sprintf("/api/v2/tickets/%d/tags.json", own.Ticket.ID)},
				{"PUT", fmt.Sprintf("/api/v2/tickets/%d/tags.json", own.Ticket.ID)}} {
				res := env.Do(t, req.method, req.path, map[string]any{"tags": []string{"sneaky"}}, as)
				require.Equal(t, http.StatusForbidden, res.Status, req.method+" "+req.path)
				require.NotContains(t, string(res.Body), "replaced")
			}
		})
	}
}

func TestTagListAndAutocomplete(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			// "billing" on 3 tickets, "bug" on 2, "beta" and "zeta" on 1; one
			// more "billing" ticket is deleted and no longer counts.
			var ids []int64
			for _, tags := range [][]string{{"billing", "bug"}, {"billing", "bug", "beta"}, {"billing"}, {"zeta"}, {"billing"}} {
				res := env.Do(t, "POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "t",
					"tags": tags, "comment": map[string]any{"body": "x"}}})
				require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
				var tk ticketBody
				res.Decode(t, &tk)
				ids = append(ids, tk.Ticket.ID)
			}
			require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", ids[4]), nil).Status)

			var list tagListBody
			env.Do(t, "GET", "/api/v2/tags.json", nil).Decode(t, &list)
			require.Equal(t, int64(4), *list.Count)
			require.Nil(t, list.NextPage)
			want := []struct {
				name  string
				count int64
			}{{"billing", 3}, {"bug", 2}, {"beta", 1}, {"zeta", 1}}
			require.Len(t, list.Tags, len(want))
			for i, w := range want {
				require.Equal(t, w.name, list.Tags[i].Name)
				require.Equal(t, w.count, list.Tags[i].Count)
			}
			// go-zendesk has no tag list call; Airbyte's check reads page 1.
			env.Do(t, "GET", "/api/v2/tags.json?per_page=2&page=2", nil).Decode(t, &list)
			require.Equal(t, "beta", list.Tags[0].Name)
			require.Len(t, list.Tags, 2)

			// Cursor pagination walks the same order.
			var names []string
			path := "/api/v2/tags.json?page[size]=1"
			for range 10 {
				var page tagListBody
				res := env.Do(t, "GET", path, nil)
				require.Equal(t, http.StatusOK, res.Status, string(res.Body))
				res.Decode(t, &page)
				for _, tg := range page.Tags {
					names = append(names, tg.Name)
				}
				if !page.Meta.HasMore {
					break
				}
				path = "/api/v2/tags.json?page[size]=1&page[after]=" + *page.Meta.AfterCursor
			}
			require.Equal(t, []string{"billing", "bug", "beta", "zeta"}, names)
			require.Equal(t, http.StatusBadRequest, env.Do(t, "GET", "/api/v2/tags.json?page[after]=bm9wZQ", nil).Status)

			var ac tagsBody
			env.Do(t, "GET", "/api/v2/autocomplete/tags.json?name=B", nil)
			res := env.Do(t, "GET", "/api/v2/autocomplete/tags.json?name=Bu", nil)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			res.Decode(t, &ac)
			require.Equal(t, []string{"bug"}, ac.Tags)
			env.Do(t, "GET", "/api/v2/autocomplete/tags.json?name=b_", nil).Decode(t, &ac)
			require.Empty(t, ac.Tags, "_ is a character, not a wildcard")
			res = env.Do(t, "GET", "/api/v2/autocomplete/tags.json?name=b", nil)
			require.Equal(t, http.StatusBadRequest, res.Status)

			var count struct {
				Count struct {
					Value int64 `json:"value"`
				} `json:"count"`
			}
			env.Do(t, "GET", "/api/v2/tags/count.json", nil).Decode(t, &count)
			require.Equal(t, int64(4), count.Count.Value)

			// An agent may read them.
			_, agentToken := env.CreateAgent(t, "Ann Agent", "ann@example.com")
			res = env.Do(t, "GET", "/api/v2/tags.json", nil, apitest.As("ann@example.com", agentToken))
			require.Equal(t, http.StatusOK, res.Status)
		})
	}
}

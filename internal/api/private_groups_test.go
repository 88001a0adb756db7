package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// privateDesk is a secure desk as HR and Payroll share it: Payroll is a private
// group with paula in it; hana is in HR only.
type privateDesk struct {
	env                  *apitest.Env
	hr, payroll          int64
	hana, paula          int64
	hanaTok, paulaTok    string
	requester, cc        int64
	payTicket, hrTicket  int64
	payComment, payAudit int64
	payFile              int64
	view, macro          int64
}

// payCanary is in the Payroll ticket's subject and comment only.
const payCanary = "zqpayroll7"

func setupPrivateDesk(t *testing.T, env *apitest.Env) *privateDesk {
	t.Helper()
	ctx := context.Background()
	c := env.AdminClient()
	d := &privateDesk{env: env}
	d.hana, d.hanaTok = env.CreateAgent(t, "Hana HR", "hana@example.com")
	d.paula, d.paulaTok = env.CreateAgent(t, "Paula Payroll", "paula@example.com")
	d.requester, _ = env.CreateEndUser(t, "Erin Employee", "erin@example.com")
	d.cc, _ = env.CreateEndUser(t, "Carl Colleague", "carl@example.com")
	hr, err := c.CreateGroup(ctx, zendesk.Group{Name: "HR"})
	require.NoError(t, err)
	d.hr = hr.ID
	res := env.Do(t, "POST", "/api/v2/groups.json", map[string]any{"group": map[string]any{"name": "Payroll", "is_public": false}})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var g struct {
		Group struct {
			ID       int64 `json:"id"`
			IsPublic bool  `json:"is_public"`
		} `json:"group"`
	}
	res.Decode(t, &g)
	require.False(t, g.Group.IsPublic)
	d.payroll = g.Group.ID
	for _, m := range [][2]int64{{d.hana, d.hr}, {d.paula, d.payroll}} {
		_, err := c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": m[0], "group_id": m[1]}})
		require.NoError(t, err)
	}
	pc := env.Client("paula@example.com", d.paulaTok)
	up := upload(t, pc, "payslip.txt", "", []byte("net pay "+payCanary))
	pay, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Salary correction " + payCanary, GroupID: groupID(d.payroll),
		RequesterID: d.requester, Tags: []string{"salary"}, Comment: &zendesk.TicketComment{Body: "Back pay of " + payCanary}})
	require.NoError(t, err)
	d.payTicket = pay.ID
	res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", pay.ID), map[string]any{"ticket": map[string]any{"email_cc_ids": []int64{d.cc}}})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	_, err = pc.UpdateTicket(ctx, pay.ID, zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "payslip attached", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	hrt, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Salary question about leave", GroupID: groupID(d.hr),
		RequesterID: d.requester, Tags: []string{"salary"}, Comment: &zendesk.TicketComment{Body: "How is leave paid?"}})
	require.NoError(t, err)
	d.hrTicket = hrt.ID
	cres, err := pc.ListTicketComments(ctx, pay.ID, nil)
	require.NoError(t, err)
	comments := cres.TicketComments
	require.Len(t, comments, 2)
	require.Len(t, comments[1].Attachments, 1)
	d.payComment, d.payFile = comments[1].ID, comments[1].Attachments[0].ID
	audits, _, err := pc.GetTicketAudits(ctx, pay.ID, zendesk.PageOptions{})
	require.NoError(t, err)
	d.payAudit = audits[0].ID
	res = env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "All unsolved",
		"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"}}}}})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var v struct {
		View struct{ ID int64 } `json:"view"`
	}
	res.Decode(t, &v)
	d.view = v.View.ID
	m, err := c.CreateMacro(ctx, zendesk.Macro{Title: "Solve", Active: true, Actions: []zendesk.MacroAction{{Field: "status", Value: "solved"}}})
	require.NoError(t, err)
	d.macro = m.ID
	return d
}

// as sends a request as hana (the HR agent outside Payroll) or paula.
func (d *privateDesk) hanaDo(t *testing.T, method, path string, body any) *apitest.Response {
	t.Helper()
	return d.env.Do(t, method, path, body, apitest.As("hana@example.com", d.hanaTok))
}

// payState is what an outsider's attempts must leave unchanged: the Payroll
// ticket as the admin sees it, its comments, and the row counts.
func (d *privateDesk) payState(t *testing.T) string {
	t.Helper()
	tk := d.env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", d.payTicket), nil)
	require.Equal(t, http.StatusOK, tk.Status, string(tk.Body))
	cs := d.env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d/comments.json", d.payTicket), nil)
	require.Equal(t, http.StatusOK, cs.Status, string(cs.Body))
	counts, err := json.Marshal(d.env.Counts(t))
	require.NoError(t, err)
	return string(tk.Body) + string(cs.Body) + string(counts)
}

// ids reads the ticket ids of the list under key ("tickets", "rows"...) of a
// 200 answer; a search's users are left out.
func ids(t *testing.T, res *apitest.Response, key string) []int64 {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var body map[string]json.RawMessage
	res.Decode(t, &body)
	var rows []struct {
		ID         int64  `json:"id"`
		TicketID   int64  `json:"ticket_id"`
		ResultType string `json:"result_type"`
	}
	require.NoError(t, json.Unmarshal(body[key], &rows), string(res.Body))
	out := []int64{}
	for _, r := range rows {
		if r.ResultType == "" || r.ResultType == "ticket" {
			out = append(out, max(r.ID, r.TicketID))
		}
	}
	return out
}

func count(t *testing.T, res *apitest.Response) int64 {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var body struct {
		Count json.RawMessage `json:"count"`
	}
	res.Decode(t, &body)
	var n int64
	if json.Unmarshal(body.Count, &n) == nil {
		return n
	}
	var v struct{ Value int64 }
	require.NoError(t, json.Unmarshal(body.Count, &v), string(res.Body))
	return v.Value
}

// TestPrivateGroupReads: every read an HR agent outside Payroll can make finds
// no Payroll ticket: by id a 404, in lists, views, searches and counts nothing,
// while Payroll's member and the admin see it.
func TestPrivateGroupReads(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		d := setupPrivateDesk(t, env)
		p := d.payTicket
		for _, path := range []string{
			"/api/v2/tickets/%d.json", "/api/v2/tickets/%d/comments.json", "/api/v2/tickets/%d/audits.json",
			"/api/v2/tickets/%d/audits/count.json", "/api/v2/tickets/%d/tags.json", "/api/v2/tickets/%d/metrics.json",
			"/api/v2/ticket_metrics/%d.json", "/api/v2/twindesk/tickets/%d/escalation",
			fmt.Sprintf("/api/v2/tickets/%%d/audits/%d.json", d.payAudit),
			fmt.Sprintf("/api/v2/tickets/%%d/macros/%d/apply.json", d.macro),
		} {
			res := d.hanaDo(t, "GET", fmt.Sprintf(path, p), nil)
			require.Equalf(t, http.StatusNotFound, res.Status, "GET %s: %s", fmt.Sprintf(path, p), res.Body)
			require.NotContains(t, string(res.Body), payCanary)
		}
		res := d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/attachments/%d.json", d.payFile), nil)
		require.Equal(t, http.StatusNotFound, res.Status, string(res.Body))

		visible := []int64{d.hrTicket}
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d", p, d.hrTicket), nil), "tickets"))
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", "/api/v2/tickets.json", nil), "tickets"))
		require.EqualValues(t, 1, count(t, d.hanaDo(t, "GET", "/api/v2/tickets.json", nil)))
		require.EqualValues(t, 1, count(t, d.hanaDo(t, "GET", "/api/v2/tickets/count.json", nil)))
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", "/api/v2/ticket_metrics.json", nil), "ticket_metrics"))
		req := fmt.Sprintf("/api/v2/users/%d/tickets/requested.json", d.requester)
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", req, nil), "tickets"))
		require.EqualValues(t, 1, count(t, d.hanaDo(t, "GET", req, nil)))
		rel := d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/users/%d/related.json", d.requester), nil)
		require.Contains(t, string(rel.Body), `"requested_tickets":1`)
		ccd := fmt.Sprintf("/api/v2/users/%d/tickets/ccd.json", d.cc)
		require.Empty(t, ids(t, d.hanaDo(t, "GET", ccd, nil), "tickets"))
		require.Equal(t, []int64{p}, ids(t, env.Do(t, "GET", ccd, nil), "tickets"), "the admin sees the CC")
		rel = d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/users/%d/related.json", d.cc), nil)
		require.Contains(t, string(rel.Body), `"ccd_tickets":0`)
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/views/%d/tickets.json", d.view), nil), "tickets"))
		require.Equal(t, visible, ids(t, d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/views/%d/execute.json", d.view), nil), "rows"))
		require.EqualValues(t, 1, count(t, d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/views/%d/execute.json", d.view), nil)))
		vc := d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/views/%d/count.json", d.view), nil)
		require.Contains(t, string(vc.Body), `"value":1`, string(vc.Body))
		vm := d.hanaDo(t, "GET", fmt.Sprintf("/api/v2/views/count_many.json?ids=%d", d.view), nil)
		require.Contains(t, string(vm.Body), `"value":1`, string(vm.Body))

		// Search by the canary, by group, by tag, by number, and its exports and counts.
		for _, q := range []string{payCanary, "type:ticket group:Payroll", fmt.Sprintf("group:%d", d.payroll), "tags:salary",
			"salary", fmt.Sprint(p), "status<solved", "requester:erin@example.com", "type:ticket"} {
			page := d.hanaDo(t, "GET", "/api/v2/search.json?query="+url.QueryEscape(q), nil)
			require.NotContainsf(t, ids(t, page, "results"), p, "search %q", q)
			var all struct {
				Results []json.RawMessage `json:"results"`
				Count   int64             `json:"count"`
			}
			page.Decode(t, &all)
			require.EqualValuesf(t, len(all.Results), all.Count, "search %q counts what it shows", q)
			n := count(t, d.hanaDo(t, "GET", "/api/v2/search/count.json?query="+url.QueryEscape(q), nil))
			require.EqualValuesf(t, all.Count, n, "search count %q", q)
			exp := d.hanaDo(t, "GET", "/api/v2/search/export.json?filter[type]=ticket&query="+url.QueryEscape(q), nil)
			require.NotContainsf(t, ids(t, exp, "results"), p, "search export %q", q)
			// Paula, in Payroll, finds it where the query matches it.
			if q == payCanary || q == "tags:salary" {
				mine := ids(t, d.env.Do(t, "GET", "/api/v2/search.json?query="+url.QueryEscape(q), nil,
					apitest.As("paula@example.com", d.paulaTok)), "results")
				require.Containsf(t, mine, p, "a member searching %q", q)
			}
		}
		// The incremental exports read every ticket: admins only, as in Zendesk.
		res = d.hanaDo(t, "GET", "/api/v2/incremental/tickets/cursor.json?start_time=0", nil)
		require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))

		// A ticket moved into Payroll vanishes from hana's searches and counts at
		// once, though the searches above warmed the search caches.
		for _, q := range []string{"salary", "tags:salary", "type:ticket"} {
			require.Containsf(t, ids(t, d.hanaDo(t, "GET", "/api/v2/search.json?query="+url.QueryEscape(q), nil), "results"), d.hrTicket, "before the move: %q", q)
		}
		res = env.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", d.hrTicket), map[string]any{"ticket": map[string]any{"group_id": d.payroll}})
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		for _, q := range []string{"salary", "tags:salary", "type:ticket"} {
			require.NotContainsf(t, ids(t, d.hanaDo(t, "GET", "/api/v2/search.json?query="+url.QueryEscape(q), nil), "results"), d.hrTicket, "after the move: %q", q)
			require.EqualValuesf(t, 0, count(t, d.hanaDo(t, "GET", "/api/v2/search/count.json?query="+url.QueryEscape(q+" type:ticket"), nil)), "after the move: %q", q)
		}
		require.EqualValues(t, 0, count(t, d.hanaDo(t, "GET", "/api/v2/tickets/count.json", nil)))

		// The member and the admin see it.
		for _, as := range []apitest.RequestOption{apitest.As("paula@example.com", d.paulaTok), apitest.As(apitest.AdminEmail, env.AdminToken)} {
			res := env.Do(t, "GET", fmt.Sprintf("/api/v2/tickets/%d.json", p), nil, as)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			require.Contains(t, string(res.Body), payCanary)
			require.Contains(t, ids(t, env.Do(t, "GET", "/api/v2/tickets.json", nil, as), "tickets"), p)
		}
	})
}

// TestPrivateGroupWrites: every write an HR agent outside Payroll tries on a
// Payroll ticket is a 404 or a failed job, and changes nothing.
func TestPrivateGroupWrites(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		d := setupPrivateDesk(t, env)
		p, h := d.payTicket, d.hrTicket
		before := d.payState(t)
		for _, w := range []struct {
			method, path string
			body         any
		}{
			{"PUT", "/api/v2/tickets/%d.json", map[string]any{"ticket": map[string]any{"status": "solved"}}},
			{"PUT", "/api/v2/tickets/%d.json", map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "peek", "public": false}}}},
			{"PUT", "/api/v2/tickets/%d.json", map[string]any{"ticket": map[string]any{"group_id": d.hr}}},
			{"PUT", "/api/v2/tickets/%d/tags.json", map[string]any{"tags": []string{"x"}}},
			{"DELETE", "/api/v2/tickets/%d/tags.json", map[string]any{"tags": []string{"salary"}}},
			{"DELETE", "/api/v2/tickets/%d.json", nil},
			{"POST", fmt.Sprintf("/api/v2/tickets/%d/merge.json", h), map[string]any{"ids": []int64{p}}},
			{"POST", "/api/v2/tickets/%d/merge.json", map[string]any{"ids": []int64{h}}},
			{"PUT", fmt.Sprintf("/api/v2/tickets/%%d/comments/%d/attachments/%d/redact.json", d.payComment, d.payFile), nil},
			{"PUT", "/api/v2/deleted_tickets/%d/restore.json", nil},
			{"DELETE", "/api/v2/deleted_tickets/%d.json", nil},
		} {
			path := w.path
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, p)
			}
			res := d.hanaDo(t, w.method, path, w.body)
			require.Equalf(t, http.StatusNotFound, res.Status, "%s %s: %s", w.method, path, res.Body)
			require.Equalf(t, before, d.payState(t), "%s %s changed the Payroll ticket", w.method, path)
		}
		// Bulk endpoints answer a job whose result for the hidden ticket failed.
		for _, w := range []struct{ method, path string }{
			{"PUT", fmt.Sprintf("/api/v2/tickets/update_many.json?ids=%d", p)},
			{"DELETE", fmt.Sprintf("/api/v2/tickets/destroy_many.json?ids=%d", p)},
		} {
			var body any
			if w.method == "PUT" {
				body = map[string]any{"ticket": map[string]any{"status": "solved"}}
			}
			res := d.hanaDo(t, w.method, w.path, body)
			require.Containsf(t, []int{http.StatusOK, http.StatusNotFound, http.StatusUnprocessableEntity}, res.Status, "%s %s: %s", w.method, w.path, res.Body)
			require.NotContainsf(t, string(res.Body), `"success":true`, "%s %s", w.method, w.path)
			require.NotContains(t, string(res.Body), payCanary)
			require.Equalf(t, before, d.payState(t), "%s %s changed the Payroll ticket", w.method, w.path)
		}
		// A soft-deleted Payroll ticket stays out of the outsider's reach too.
		require.Equal(t, http.StatusNoContent, env.Do(t, "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", p), nil).Status)
		require.NotContains(t, ids(t, d.hanaDo(t, "GET", "/api/v2/deleted_tickets.json", nil), "deleted_tickets"), p)
		for _, w := range []struct{ method, path string }{
			{"PUT", fmt.Sprintf("/api/v2/deleted_tickets/%d/restore.json", p)},
			{"PUT", fmt.Sprintf("/api/v2/deleted_tickets/restore_many.json?ids=%d", p)},
			{"DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", p)},
		} {
			res := d.hanaDo(t, w.method, w.path, nil)
			require.Equalf(t, http.StatusNotFound, res.Status, "%s %s: %s", w.method, w.path, res.Body)
		}
		require.Contains(t, ids(t, env.Do(t, "GET", "/api/v2/deleted_tickets.json", nil), "deleted_tickets"), p, "still deleted, not purged")

		// Zendesk never turns a private group public again.
		res := env.Do(t, "PUT", fmt.Sprintf("/api/v2/groups/%d.json", d.payroll), map[string]any{"group": map[string]any{"is_public": true}})
		require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		require.Contains(t, string(res.Body), "RecordInvalid")
		require.Contains(t, string(res.Body), "is_public")
		g := env.Do(t, "GET", fmt.Sprintf("/api/v2/groups/%d.json", d.payroll), nil)
		require.Contains(t, string(g.Body), `"is_public":false`)
	})
}

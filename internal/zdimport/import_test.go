package zdimport

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/seed"
)

// arrangeSource fills a source instance with everything the import carries,
// and the cases other importers get wrong: a suspended agent, a closed ticket,
// a comment by Zendesk's system user (-1), files, a deleted ticket. It returns
// the id of the deleted ticket.
func arrangeSource(t *testing.T, src *apitest.Env) int64 {
	ctx := context.Background()
	_, err := seed.Run(ctx, src.Instance.DB, seed.Config{Tickets: 30, Requesters: 8, Agents: 4, Groups: 3, Seed: 7,
		Now: time.Now().Add(-time.Hour)}, nil)
	require.NoError(t, err)
	do := func(method, path string, body any) map[string]any {
		res := src.Do(t, method, path, body)
		require.Less(t, res.Status, 300, "%s %s: %s", method, path, res.Body)
		var out map[string]any
		if len(res.Body) > 0 {
			res.Decode(t, &out)
		}
		return out
	}
	org := do("POST", "/api/v2/organizations.json", map[string]any{"organization": map[string]any{
		"name": "Acme", "details": "HQ", "domain_names": []string{"acme.test"}}})["organization"].(map[string]any)
	side := newSide(t, src)
	users := side.list("/api/v2/users.json", "users")
	var requester, cc, agent map[string]any
	for _, u := range users {
		if u["role"] == "end-user" && requester != nil && cc == nil {
			cc = u
		}
		if u["role"] == "end-user" && requester == nil {
			requester = u
		}
		if u["role"] == "agent" && agent == nil {
			agent = u
		}
	}
	do("PUT", fmt.Sprintf("/api/v2/users/%d.json", idOf(requester["id"])), map[string]any{"user": map[string]any{"organization_id": org["id"]}})
	groups := side.list("/api/v2/groups.json", "groups")
	fields := side.list("/api/v2/ticket_fields.json", "ticket_fields")
	groupID := idOf(groups[0]["id"])
	// User and organization fields with values, and the profile attributes
	// a migrating team must not lose.
	do("POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "text", "title": "Employee number", "key": "employee_number"}})
	do("POST", "/api/v2/user_fields.json", map[string]any{"user_field": map[string]any{"type": "dropdown", "title": "Site", "key": "site",
		"custom_field_options": []any{map[string]any{"name": "Berlin", "value": "site_berlin"}}}})
	do("POST", "/api/v2/organization_fields.json", map[string]any{"organization_field": map[string]any{"type": "integer", "title": "Seats", "key": "seats"}})
	do("PUT", fmt.Sprintf("/api/v2/users/%d.json", idOf(requester["id"])), map[string]any{"user": map[string]any{
		"notes": "Prefers phone", "details": "Building 4", "phone": "+49 30 1234", "alias": "Reqs", "tags": []string{"payroll"},
		"user_fields": map[string]any{"employee_number": "E-1234", "site": "site_berlin"}}})
	do("PUT", fmt.Sprintf("/api/v2/users/%d.json", idOf(agent["id"])), map[string]any{"user": map[string]any{"signature": "IT team"}})
	do("PUT", fmt.Sprintf("/api/v2/organizations/%d.json", idOf(org["id"])), map[string]any{"organization": map[string]any{
		"group_id": groupID, "shared_tickets": true, "tags": []string{"gold"}, "organization_fields": map[string]any{"seats": 40}}})
	var fieldIDs []int64
	for _, f := range fields {
		fieldIDs = append(fieldIDs, idOf(f["id"]))
	}
	form := do("POST", "/api/v2/ticket_forms.json", map[string]any{"ticket_form": map[string]any{
		"name": "Hardware", "display_name": "Hardware request", "ticket_field_ids": fieldIDs}})["ticket_form"].(map[string]any)
	do("POST", "/api/v2/macros.json", map[string]any{"macro": map[string]any{"title": "To first group",
		"actions": []any{map[string]any{"field": "group_id", "value": strconv.FormatInt(groupID, 10)},
			map[string]any{"field": "status", "value": "open"}}}})
	do("POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "First group, open",
		"all": []any{map[string]any{"field": "group_id", "operator": "is", "value": groupID},
			map[string]any{"field": "status", "operator": "less_than", "value": "solved"}},
		"execution": map[string]any{"columns": []any{"subject", "requester", map[string]any{"id": fieldIDs[0]}}, "sort_by": "created_at"}}})
	// Fires on every create: an import that ran triggers would add the tag.
	do("POST", "/api/v2/triggers.json", map[string]any{"trigger": map[string]any{"title": "Tag new tickets",
		"conditions": map[string]any{"all": []any{map[string]any{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions":    []any{map[string]any{"field": "current_tags", "value": "trigger_fired"}}}})
	do("POST", "/api/v2/automations.json", map[string]any{"automation": map[string]any{"title": "Nudge pending",
		"conditions": map[string]any{"all": []any{map[string]any{"field": "status", "operator": "is", "value": "pending"},
			map[string]any{"field": "hours_since_pending", "operator": "greater_than", "value": "48"},
			map[string]any{"field": "current_tags", "operator": "not_includes", "value": "nudged"}}},
		"actions": []any{map[string]any{"field": "current_tags", "value": "nudged"}}}})
	suspended := do("POST", "/api/v2/users.json", map[string]any{"user": map[string]any{"name": "Sam Suspended",
		"email": "sam@example.com", "role": "agent"}})["user"].(map[string]any)
	do("POST", "/api/v2/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": suspended["id"], "group_id": groupID}})

	// A ticket with files, and one imported with history: closed, by -1 too.
	file := make([]byte, 5000)
	_, _ = rand.Read(file)
	up := src.Do(t, "POST", "/api/v2/uploads.json?filename=report.bin", file, apitest.Header("Content-Type", "application/octet-stream"))
	require.Equal(t, http.StatusCreated, up.Status, string(up.Body))
	var upl struct {
		Upload struct{ Token string } `json:"upload"`
	}
	up.Decode(t, &upl)
	withFile := do("POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Printer on fire",
		"requester_id": requester["id"], "group_id": groupID, "assignee_id": suspended["id"], "ticket_form_id": form["id"],
		"email_cc_ids": []any{cc["id"]}, "follower_ids": []any{agent["id"]},
		"comment": map[string]any{"body": "See the log", "uploads": []string{upl.Upload.Token}}}})["ticket"].(map[string]any)
	do("PUT", fmt.Sprintf("/api/v2/tickets/%d.json", idOf(withFile["id"])), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Internal: on it", "public": false, "author_id": agent["id"]}}})
	do("PUT", fmt.Sprintf("/api/v2/users/%d.json", idOf(suspended["id"])), map[string]any{"user": map[string]any{"suspended": true}})
	do("POST", "/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Old one",
		"status": "closed", "requester_id": requester["id"], "tags": []string{"legacy"},
		"created_at": "2020-01-02T03:04:05Z", "comments": []any{
			map[string]any{"value": "It broke", "author_id": requester["id"], "created_at": "2020-01-02T03:04:05Z"},
			map[string]any{"value": "Closed by the system", "author_id": -1, "created_at": "2020-01-09T00:00:00Z"}}}})
	gone := do("POST", "/api/v2/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Delete me",
		"comment": map[string]any{"body": "secret"}}})["ticket"].(map[string]any)
	do("DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", idOf(gone["id"])), nil)
	settle()
	return idOf(gone["id"])
}

// settle waits until the source's incremental export shows the latest changes:
// it leaves out the last second, as Zendesk's leaves out the last minute.
func settle() { time.Sleep(desk.ExportSettle + time.Second) }

func runImport(ctx context.Context, t *testing.T, src, dst *apitest.Env, hc *http.Client) (*Report, error) {
	return runImportN(ctx, t, src, dst, hc, 4)
}

func runImportN(ctx context.Context, t *testing.T, src, dst *apitest.Env, hc *http.Client, concurrency int) (*Report, error) {
	if hc == nil {
		hc = &http.Client{Timeout: time.Minute}
	}
	im, err := New(Config{SourceURL: src.URL, SourceEmail: apitest.AdminEmail, SourceToken: src.AdminToken,
		TargetURL: dst.URL, TargetEmail: apitest.AdminEmail, TargetToken: dst.AdminToken, Concurrency: concurrency, HTTP: hc})
	require.NoError(t, err)
	return im.Run(ctx)
}

// requireSame compares source and target record by record, tickets through
// the target's id map.
func requireSame(t *testing.T, src, dst *apitest.Env) {
	t.Helper()
	s, d := newSide(t, src), newSide(t, dst)
	want := s.snapshot(func(id int64) string { return strconv.FormatInt(id, 10) })
	back := map[int64]string{}
	for _, e := range d.list("/api/v2/twindesk/import_ids.json?source="+strings.TrimPrefix(src.URL, "http://")+"&kind=ticket", "import_ids") {
		back[idOf(e["target_id"])] = strconv.FormatInt(idOf(e["source_id"]), 10)
	}
	got := d.snapshot(func(id int64) string { return back[id] })
	for _, k := range []string{"user_fields", "organization_fields", "organizations", "users", "groups", "group_memberships", "ticket_fields", "ticket_forms",
		"macros", "views", "triggers", "automations", "tickets"} {
		w, ok := want[k].(map[string]any)
		if !ok {
			require.Equal(t, want[k], got[k], k)
			continue
		}
		g := got[k].(map[string]any)
		for key, rec := range w {
			require.Equal(t, rec, g[key], "%s %s", k, key)
		}
		require.Len(t, g, len(w), "%s: the target has more", k)
	}
}

// TestImportTwindeskToTwindesk imports a seeded instance into an empty one and
// compares them record by record; then kills a second import midway (and loses
// one import's answer after the target committed it) and re-runs it; then
// changes one source ticket and re-runs: only that ticket is carried.
func TestImportTwindeskToTwindesk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := apitest.New(t, apitest.SQLite)
	deleted := arrangeSource(t, src)

	dst := apitest.New(t, apitest.SQLite)
	rep, err := runImport(ctx, t, src, dst, nil)
	require.NoError(t, err)
	rep.Print(testWriter{t})
	requireSame(t, src, dst)
	tc := rep.Get(kindTicket)
	require.Equal(t, 32, tc.Created, "30 seeded, one with files, one imported with history")
	require.Equal(t, 1, tc.Skipped, "the deleted ticket")
	require.Contains(t, rep.Problems, Problem{Kind: kindTicket, SourceID: deleted, Reason: "deleted in the source; not imported"})
	require.EqualValues(t, 1, rep.Attachments)
	var mails int64
	require.NoError(t, dst.Instance.DB.WriteDB().QueryRowContext(ctx, "SELECT COUNT(*) FROM mail_outgoing").Scan(&mails))
	require.Zero(t, mails, "an import sends no mail")

	again, err := runImport(ctx, t, src, dst, nil)
	require.NoError(t, err)
	require.Equal(t, Counts{Unchanged: 32, Skipped: 1}, again.Get(kindTicket), "a re-run carries nothing unchanged")
	require.Zero(t, again.Get(kindUser).Created+again.Get(kindUser).Updated)

	// Changed at the source: only that ticket is carried, into the same copy.
	side := newSide(t, src)
	var one map[string]any
	for _, tk := range side.list("/api/v2/tickets.json", "tickets") {
		if tk["status"] == "open" {
			one = tk
		}
	}
	res := src.Do(t, "PUT", fmt.Sprintf("/api/v2/tickets/%d.json", idOf(one["id"])), map[string]any{"ticket": map[string]any{
		"priority": "urgent", "comment": map[string]any{"body": "Any news?"}}})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	settle()
	delta, err := runImport(ctx, t, src, dst, nil)
	require.NoError(t, err)
	require.Equal(t, Counts{Updated: 1, Unchanged: 31, Skipped: 1}, delta.Get(kindTicket))
	requireSame(t, src, dst)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// killingTransport passes requests through a real HTTP transport; it cancels
// the import after `after` ticket imports, and drops the answer of the import
// numbered `lose` after the target committed it, as a kill between the
// target's commit and the importer's bookkeeping would.
type killingTransport struct {
	imports     atomic.Int64
	after, lose int64
	cancel      context.CancelFunc
}

func (k *killingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/imports/tickets.json") {
		return res, err
	}
	n := k.imports.Add(1)
	if n == k.lose {
		res.Body.Close()
		return nil, fmt.Errorf("connection reset (test)")
	}
	if n == k.after {
		k.cancel()
	}
	return res, nil
}

// TestImportResumesAfterKill kills an import midway (and loses the answer of
// one import the target committed) and runs it again, into each backend: the
// result is exact, with no ticket twice.
func TestImportResumesAfterKill(t *testing.T) {
	t.Parallel()
	src := apitest.New(t, apitest.SQLite)
	arrangeSource(t, src)
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			dst := apitest.New(t, b)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			kt := &killingTransport{after: 12, lose: 5, cancel: cancel}
			_, err := runImport(ctx, t, src, dst, &http.Client{Transport: kt, Timeout: time.Minute})
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, dst.Counts(t)["tickets"], int64(32), "the kill came midway")

			rep, err := runImport(context.Background(), t, src, dst, nil)
			require.NoError(t, err)
			requireSame(t, src, dst)
			require.EqualValues(t, 32, dst.Counts(t)["tickets"], "no ticket twice")
			tc := rep.Get(kindTicket)
			require.Equal(t, 32, tc.Created+tc.Unchanged)
			require.Positive(t, tc.Unchanged, "the first run's tickets are not carried again")
		})
	}
}

// TestSourcedImportIsKeyedOnSourceID posts the same source ticket twice, as an
// importer does when the target committed the first but its answer was lost:
// one ticket. A changed updated_at updates that ticket, appending the new comment.
func TestSourcedImportIsKeyedOnSourceID(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			env := apitest.New(t, b)
			ticket := func(updated string, comments ...string) map[string]any {
				var cs []any
				for i, c := range comments {
					cs = append(cs, map[string]any{"value": c, "author_id": env.AdminID, "created_at": fmt.Sprintf("2021-05-0%dT10:00:00Z", i+1)})
				}
				return map[string]any{"ticket": map[string]any{"subject": "Keyed", "status": "open", "created_at": "2021-05-01T10:00:00Z",
					"updated_at": updated, "comments": cs,
					"twindesk_import_source": map[string]any{"system": "acme.zendesk.com", "id": 77, "updated_at": updated}}}
			}
			post := func(body map[string]any) int64 {
				res := env.Do(t, "POST", "/api/v2/imports/tickets.json", body)
				require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
				var out struct{ Ticket struct{ ID int64 } }
				res.Decode(t, &out)
				return out.Ticket.ID
			}
			first := post(ticket("2021-05-01T10:00:00Z", "Hello"))
			require.Equal(t, first, post(ticket("2021-05-01T10:00:00Z", "Hello")), "a replay answers the same ticket")
			require.EqualValues(t, 1, env.Counts(t)["tickets"])
			require.Equal(t, first, post(ticket("2021-05-02T10:00:00Z", "Hello", "Again")), "a change updates the same ticket")
			counts := env.Counts(t)
			require.EqualValues(t, 1, counts["tickets"])
			require.EqualValues(t, 2, counts["comments"])

			bad := env.Do(t, "POST", "/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{"subject": "x",
				"comments": []any{map[string]any{"value": "x"}}, "twindesk_import_source": map[string]any{"id": 1}}})
			require.Equal(t, http.StatusUnprocessableEntity, bad.Status, string(bad.Body))
			require.EqualValues(t, 1, env.Counts(t)["tickets"], "a refused import changes nothing")
		})
	}
}

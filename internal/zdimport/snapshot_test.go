package zdimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// side reads one instance back through its API, with every id replaced by what
// it names (email, name, title), so two instances compare record by record.
type side struct {
	t      *testing.T
	env    *apitest.Env
	c      *client
	users  map[int64]string // id -> email
	groups map[int64]string
	orgs   map[int64]string
	fields map[int64]string
	forms  map[int64]string
}

func newSide(t *testing.T, env *apitest.Env) *side {
	c, err := newClient(env.URL, apitest.AdminEmail, env.AdminToken, http.DefaultClient)
	require.NoError(t, err)
	return &side{t: t, env: env, c: c}
}

func (s *side) list(path, key string) []map[string]any {
	var out []map[string]any
	require.NoError(s.t, eachRecord(context.Background(), s.c, path, key, func(rec map[string]any) error {
		out = append(out, rec)
		return nil
	}))
	return out
}

// snapshot is the whole account, ids resolved; tickets are keyed by key(id).
func (s *side) snapshot(key func(int64) string) map[string]any {
	out := map[string]any{}
	s.orgs, s.groups, s.fields, s.forms, s.users = map[int64]string{}, map[int64]string{}, map[int64]string{}, map[int64]string{}, map[int64]string{}
	orgs := map[string]any{}
	for _, o := range s.list("/api/v2/organizations.json", "organizations") {
		s.orgs[idOf(o["id"])] = str(o["name"])
	}
	groups := map[string]any{}
	for _, g := range s.list("/api/v2/groups.json", "groups") {
		s.groups[idOf(g["id"])] = str(g["name"])
		groups[str(g["name"])] = pick(g, "description")
	}
	out["groups"] = groups
	for _, o := range s.list("/api/v2/organizations.json", "organizations") {
		m := pick(o, "details", "notes", "domain_names", "external_id", "tags", "shared_tickets", "shared_comments", "organization_fields")
		m["group"] = s.groups[idOf(o["group_id"])]
		orgs[str(o["name"])] = m
	}
	out["organizations"] = orgs
	for _, kind := range []string{"user_fields", "organization_fields"} {
		defs := map[string]any{}
		for _, f := range s.list("/api/v2/"+kind+".json", kind) {
			m := pick(f, "type", "title", "description", "active", "regexp_for_validation", "tag", "position")
			var opts []string
			for _, o := range asList(f["custom_field_options"]) {
				om := o.(map[string]any)
				opts = append(opts, str(om["name"])+"="+str(om["value"]))
			}
			m["options"] = opts
			defs[str(f["key"])] = m
		}
		out[kind] = defs
	}
	users := map[string]any{}
	for _, u := range s.list("/api/v2/users.json", "users") {
		s.users[idOf(u["id"])] = str(u["email"])
		m := pick(u, "name", "role", "suspended", "external_id", "details", "notes", "phone", "alias", "signature", "tags", "user_fields")
		m["organization"] = s.orgs[idOf(u["organization_id"])]
		users[str(u["email"])] = m
	}
	out["users"] = users
	var members []string
	for _, m := range s.list("/api/v2/group_memberships.json", "group_memberships") {
		members = append(members, s.users[idOf(m["user_id"])]+" in "+s.groups[idOf(m["group_id"])])
	}
	sort.Strings(members)
	out["group_memberships"] = members
	fields := map[string]any{}
	for _, f := range s.list("/api/v2/ticket_fields.json", "ticket_fields") {
		s.fields[idOf(f["id"])] = str(f["title"])
		m := pick(f, "type", "active", "required", "tag", "description", "regexp_for_validation")
		var opts []string
		for _, o := range asList(f["custom_field_options"]) {
			om := o.(map[string]any)
			opts = append(opts, str(om["name"])+"="+str(om["value"]))
		}
		m["options"] = opts
		fields[str(f["title"])] = m
	}
	out["ticket_fields"] = fields
	forms := map[string]any{}
	for _, f := range s.list("/api/v2/ticket_forms.json", "ticket_forms") {
		s.forms[idOf(f["id"])] = str(f["name"])
		m := pick(f, "display_name", "active", "default", "end_user_visible", "position")
		var titles []string
		for _, id := range asList(f["ticket_field_ids"]) {
			titles = append(titles, s.fields[idOf(id)])
		}
		m["fields"] = titles
		forms[str(f["name"])] = m
	}
	out["ticket_forms"] = forms
	for _, kind := range []string{"macros", "views", "triggers", "automations"} {
		rules := map[string]any{}
		for _, r := range s.list("/api/v2/"+kind+".json", kind) {
			rules[str(r["title"])] = s.rule(r)
		}
		out[kind] = rules
	}
	out["tickets"] = s.tickets(key)
	return out
}

// rule is a rule with the ids in its conditions, actions and restriction named.
func (s *side) rule(r map[string]any) map[string]any {
	m := pick(r, "active", "description")
	entries := func(l []any) []string {
		var out []string
		for _, x := range l {
			e := x.(map[string]any)
			field := str(e["field"])
			if n, ok := strings.CutPrefix(field, "custom_fields_"); ok {
				id, _ := strconv.ParseInt(n, 10, 64)
				field = "field:" + s.fields[id]
			}
			out = append(out, field+" "+str(e["operator"])+" "+s.ref(str(e["field"]), e["value"]))
		}
		return out
	}
	if c, ok := r["conditions"].(map[string]any); ok {
		m["all"], m["any"] = entries(asList(c["all"])), entries(asList(c["any"]))
	}
	m["actions"] = entries(asList(r["actions"]))
	if rs, ok := r["restriction"].(map[string]any); ok {
		m["restriction"] = str(rs["type"]) + ":" + s.ref(map[string]string{"Group": "group_id", "User": "assignee_id"}[str(rs["type"])], rs["id"])
	}
	if x, ok := r["execution"].(map[string]any); ok {
		var cols []string
		for _, c := range asList(x["columns"]) {
			cols = append(cols, fmt.Sprint(c.(map[string]any)["id"]))
		}
		m["columns"], m["sort_by"] = cols, x["sort_by"]
	}
	return m
}

func (s *side) ref(field string, v any) string {
	raw := fmt.Sprint(v)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return raw
	}
	switch field {
	case "group_id":
		return "group:" + s.groups[id]
	case "assignee_id", "requester_id", "submitter_id":
		return "user:" + s.users[id]
	case "organization_id":
		return "org:" + s.orgs[id]
	case "ticket_form_id":
		return "form:" + s.forms[id]
	}
	return raw
}

func (s *side) tickets(key func(int64) string) map[string]any {
	out := map[string]any{}
	for _, t := range s.list("/api/v2/tickets.json", "tickets") {
		id := idOf(t["id"])
		m := pick(t, "subject", "status", "priority", "type", "external_id", "created_at", "updated_at")
		tags := []string{}
		for _, tag := range asList(t["tags"]) {
			tags = append(tags, str(tag))
		}
		sort.Strings(tags)
		m["tags"] = tags
		for _, f := range []string{"requester_id", "submitter_id", "assignee_id", "group_id", "organization_id", "ticket_form_id"} {
			m[f] = s.ref(f, idOf(t[f]))
		}
		for _, list := range []string{"email_cc_ids", "follower_ids"} {
			var who []string
			for _, u := range asList(t[list]) {
				who = append(who, s.users[idOf(u)])
			}
			sort.Strings(who)
			m[list] = who
		}
		cf := map[string]any{}
		for _, f := range asList(t["custom_fields"]) {
			fm := f.(map[string]any)
			if fm["value"] != nil {
				cf[s.fields[idOf(fm["id"])]] = fm["value"]
			}
		}
		m["custom_fields"] = cf
		m["comments"] = s.comments(id)
		k := key(id)
		require.NotContains(s.t, out, k, "two tickets for one source ticket")
		out[k] = m
	}
	return out
}

func (s *side) comments(ticketID int64) []string {
	var out []string
	for _, c := range s.list(fmt.Sprintf("/api/v2/tickets/%d/comments.json", ticketID), "comments") {
		author := "-1"
		if a := idOf(c["author_id"]); a != -1 {
			author = s.users[a]
		}
		line := fmt.Sprintf("%s public=%v at %s: %s", author, c["public"], c["created_at"], c["body"])
		for _, a := range asList(c["attachments"]) {
			am := a.(map[string]any)
			data, err := s.c.do(context.Background(), "GET", str(am["content_url"]), "", nil)
			require.NoError(s.t, err)
			sum := sha256.Sum256(data)
			line += fmt.Sprintf(" [%s %s]", am["file_name"], hex.EncodeToString(sum[:]))
		}
		out = append(out, line)
	}
	return out
}

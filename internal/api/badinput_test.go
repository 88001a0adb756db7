package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/api"
	"github.com/twindesk/twindesk/internal/apitest"
)

// zendeskError is Zendesk's error body.
type zendeskError struct {
	Error       string `json:"error"`
	Description string `json:"description"`
	Details     map[string][]struct {
		Description string `json:"description"`
		Error       string `json:"error"`
	} `json:"details"`
}

// badCase is one request that must fail with status, error and (for 422) a
// details entry for field, and change nothing.
type badCase struct {
	name         string
	method, path string
	body         any
	as           string // "admin" (default) or a key of the identities in TestBadInput
	opts         []apitest.RequestOption
	status       int
	err          string
	field        string // the details key a 422 names
}

// badInputCases assumes the fixture of TestBadInput: ticket 1 open, ticket 2
// closed, group 1, agent user 2, end user 3.
func badInputCases() []badCase {
	const create, update = "/api/v2/tickets.json", "/api/v2/tickets/1.json"
	big := oversizedBody(api.DefaultMaxTicketBody)
	bigGroup := oversizedBody(1 << 20)
	return []badCase{
		// Malformed or mistyped bodies.
		{name: "malformed JSON on create", method: "POST", path: create, body: `{"ticket": {"subject": "x",`, status: 400, err: "InvalidRequest"},
		{name: "malformed JSON on update", method: "PUT", path: update, body: `{"ticket": {"status": open}}`, status: 400, err: "InvalidRequest"},
		{name: "empty body", method: "POST", path: create, body: ` `, status: 400, err: "InvalidRequest"},
		{name: "no ticket member", method: "POST", path: create, body: `{"subject": "x"}`, status: 422, err: "RecordInvalid", field: "ticket"},
		{name: "ticket is a string", method: "POST", path: create, body: `{"ticket": "x"}`, status: 422, err: "RecordInvalid", field: "ticket"},
		{name: "status is a number", method: "PUT", path: update, body: `{"ticket": {"status": 5}}`, status: 422, err: "RecordInvalid", field: "status"},
		{name: "status is unknown", method: "PUT", path: update, body: `{"ticket": {"status": "bogus"}}`, status: 422, err: "RecordInvalid", field: "status"},
		{name: "tags is a string", method: "PUT", path: update, body: `{"ticket": {"tags": "x"}}`, status: 422, err: "RecordInvalid", field: "tags"},
		{name: "group_id is not a number", method: "PUT", path: update, body: `{"ticket": {"group_id": "abc"}}`, status: 422, err: "RecordInvalid", field: "group_id"},
		{name: "assignee_id is an object", method: "PUT", path: update, body: `{"ticket": {"assignee_id": {}}}`, status: 422, err: "RecordInvalid", field: "assignee_id"},
		{name: "subject is a list", method: "POST", path: create, body: `{"ticket": {"subject": ["x"], "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "subject"},
		{name: "comment body is a number", method: "POST", path: create, body: `{"ticket": {"comment": {"body": 5}}}`, status: 422, err: "RecordInvalid", field: "body"},
		{name: "priority is unknown", method: "POST", path: create, body: `{"ticket": {"priority": "meh", "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "priority"},
		{name: "no comment on create", method: "POST", path: create, body: `{"ticket": {"subject": "x"}}`, status: 422, err: "RecordInvalid", field: "base"},
		{name: "created closed", method: "POST", path: create, body: `{"ticket": {"status": "closed", "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "status"},

		// Unknown or inconsistent people and groups; the new requester of a
		// failing create must not be left behind either.
		{name: "unknown group on create", method: "POST", path: create, body: `{"ticket": {"group_id": 999, "comment": {"body": "b"}, "requester": {"name": "New", "email": "new@example.com"}}}`, status: 422, err: "RecordInvalid", field: "group"},
		{name: "unknown group on update", method: "PUT", path: update, body: `{"ticket": {"group_id": 999}}`, status: 422, err: "RecordInvalid", field: "group"},
		{name: "unknown assignee", method: "PUT", path: update, body: `{"ticket": {"assignee_id": 999}}`, status: 422, err: "RecordInvalid", field: "assignee"},
		{name: "end user as assignee", method: "PUT", path: update, body: `{"ticket": {"assignee_id": 3}}`, status: 422, err: "RecordInvalid", field: "assignee"},
		{name: "assignee outside the group", method: "PUT", path: update, body: `{"ticket": {"assignee_id": 1, "group_id": 1}}`, status: 422, err: "RecordInvalid", field: "assignee"},
		{name: "unknown assignee email", method: "PUT", path: update, body: `{"ticket": {"assignee_email": "ghost@example.com"}}`, status: 422, err: "RecordInvalid", field: "assignee"},
		{name: "unknown requester id", method: "POST", path: create, body: `{"ticket": {"requester_id": 999, "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "requester"},
		{name: "unknown requester id on update", method: "PUT", path: update, body: `{"ticket": {"requester_id": 999}}`, status: 422, err: "RecordInvalid", field: "requester"},
		{name: "requester email invalid", method: "POST", path: create, body: `{"ticket": {"requester": {"name": "X", "email": "not-an-email"}, "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "requester"},
		{name: "unknown submitter", method: "POST", path: create, body: `{"ticket": {"submitter_id": 999, "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "submitter"},
		{name: "unknown custom field", method: "PUT", path: update, body: `{"ticket": {"custom_fields": [{"id": 999, "value": "x"}]}}`, status: 422, err: "RecordInvalid", field: "custom_fields"},
		{name: "unknown ticket form", method: "PUT", path: update, body: `{"ticket": {"ticket_form_id": 999}}`, status: 422, err: "RecordInvalid", field: "ticket_form_id"},

		// State.
		{name: "update of a closed ticket", method: "PUT", path: "/api/v2/tickets/2.json", body: `{"ticket": {"subject": "reopen", "comment": {"body": "b"}}}`, status: 422, err: "RecordInvalid", field: "status"},
		{name: "update of an unknown ticket", method: "PUT", path: "/api/v2/tickets/999.json", body: `{"ticket": {"subject": "x"}}`, status: 404, err: "RecordNotFound"},
		{name: "delete of an unknown ticket", method: "DELETE", path: "/api/v2/tickets/999.json", status: 404, err: "RecordNotFound"},
		{name: "non-numeric ticket id", method: "GET", path: "/api/v2/tickets/abc.json", status: 404, err: "RecordNotFound"},
		{name: "unknown endpoint", method: "GET", path: "/api/v2/nothing_here.json", status: 404, err: "RecordNotFound"},

		// Size.
		{name: "create body over 32 MiB", method: "POST", path: create, body: big, status: 413, err: "RequestTooLarge"},
		{name: "update body over 32 MiB", method: "PUT", path: update, body: big, status: 413, err: "RequestTooLarge"},
		{name: "other body over 1 MiB", method: "POST", path: "/api/v2/groups.json", body: bigGroup, status: 413, err: "RequestTooLarge"},

		// Credentials.
		{name: "no credentials", method: "POST", path: create, body: `{"ticket": {"comment": {"body": "b"}}}`, as: "none", status: 401, err: "Couldn't authenticate you"},
		{name: "wrong token", method: "POST", path: create, body: `{"ticket": {"comment": {"body": "b"}}}`, as: "none",
			opts: []apitest.RequestOption{apitest.As(apitest.AdminEmail, "not-the-token")}, status: 401, err: "Couldn't authenticate you"},
		{name: "empty token", method: "GET", path: create, as: "none",
			opts: []apitest.RequestOption{apitest.As(apitest.AdminEmail, "")}, status: 401, err: "Couldn't authenticate you"},
		{name: "token of another user", method: "GET", path: create, as: "agent token, admin email", status: 401, err: "Couldn't authenticate you"},
		{name: "Basic auth with the password", method: "GET", path: create, as: "admin password", status: 401, err: "Couldn't authenticate you"},
		{name: "password sent as a token", method: "GET", path: create, as: "admin password as token", status: 401, err: "Couldn't authenticate you"},
		{name: "wrong bearer token", method: "GET", path: create, as: "none",
			opts: []apitest.RequestOption{apitest.Header("Authorization", "Bearer not-the-token")}, status: 401, err: "Couldn't authenticate you"},
		{name: "unknown scheme", method: "GET", path: create, as: "none",
			opts: []apitest.RequestOption{apitest.Header("Authorization", "Token abc")}, status: 401, err: "Couldn't authenticate you"},

		// Roles.
		{name: "end user lists tickets", method: "GET", path: create, as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user counts tickets", method: "GET", path: "/api/v2/tickets/count.json", as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user lists users", method: "GET", path: "/api/v2/users.json", as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user creates a group", method: "POST", path: "/api/v2/groups.json", body: `{"group": {"name": "Mine"}}`, as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user creates a user", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": "X", "email": "x@example.com"}}`, as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user adds a membership", method: "POST", path: "/api/v2/group_memberships.json", body: `{"group_membership": {"user_id": 3, "group_id": 1}}`, as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user deletes a ticket", method: "DELETE", path: update, as: "end-user", status: 403, err: "Forbidden"},
		{name: "end user reads another's ticket", method: "GET", path: update, as: "end-user", status: 404, err: "RecordNotFound"},
		{name: "end user updates another's ticket", method: "PUT", path: update, body: `{"ticket": {"comment": {"body": "hi"}}}`, as: "end-user", status: 404, err: "RecordNotFound"},
		{name: "agent creates a group", method: "POST", path: "/api/v2/groups.json", body: `{"group": {"name": "Mine"}}`, as: "agent", status: 403, err: "Forbidden"},
		{name: "agent creates an admin", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": "X", "email": "x@example.com", "role": "admin"}}`, as: "agent", status: 403, err: "Forbidden"},

		// Users, groups and memberships.
		{name: "duplicate user email", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": "Ada 2", "email": "ADA@example.com"}}`, status: 422, err: "RecordInvalid", field: "email"},
		{name: "invalid user email", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": "X", "email": "x at example"}}`, status: 422, err: "RecordInvalid", field: "email"},
		{name: "unknown role", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": "X", "email": "x@example.com", "role": "boss"}}`, status: 422, err: "RecordInvalid", field: "role"},
		{name: "user name is a number", method: "POST", path: "/api/v2/users.json", body: `{"user": {"name": 5, "email": "x@example.com"}}`, status: 422, err: "RecordInvalid", field: "name"},
		{name: "duplicate group name", method: "POST", path: "/api/v2/groups.json", body: `{"group": {"name": "IT"}}`, status: 422, err: "RecordInvalid", field: "name"},
		{name: "blank group name", method: "POST", path: "/api/v2/groups.json", body: `{"group": {"name": " "}}`, status: 422, err: "RecordInvalid", field: "name"},
		{name: "end user as group member", method: "POST", path: "/api/v2/group_memberships.json", body: `{"group_membership": {"user_id": 3, "group_id": 1}}`, status: 422, err: "RecordInvalid", field: "user_id"},
		{name: "membership in an unknown group", method: "POST", path: "/api/v2/group_memberships.json", body: `{"group_membership": {"user_id": 2, "group_id": 999}}`, status: 422, err: "RecordInvalid", field: "group_id"},
		{name: "duplicate membership", method: "POST", path: "/api/v2/group_memberships.json", body: `{"group_membership": {"user_id": 2, "group_id": 1}}`, status: 422, err: "RecordInvalid", field: "user_id"},
	}
}

// TestBadInput sends each bad request and checks the status, the Zendesk error
// body, and that nothing changed: row counts and the open ticket are as before.
func TestBadInput(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		_, agentToken := env.CreateAgent(t, "Ada Agent", "ada@example.com")
		_, endToken := env.CreateEndUser(t, "Eve End", "eve@example.com")
		mustStatus(t, env.Do(t, "POST", "/api/v2/groups.json", `{"group": {"name": "IT"}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "POST", "/api/v2/group_memberships.json", `{"group_membership": {"user_id": 2, "group_id": 1}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "POST", "/api/v2/tickets.json", `{"ticket": {"subject": "Open", "status": "open", "comment": {"body": "b"}}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "POST", "/api/v2/tickets.json", `{"ticket": {"subject": "Closed", "comment": {"body": "b"}}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "PUT", "/api/v2/tickets/2.json", `{"ticket": {"status": "closed"}}`), http.StatusOK)

		// The admin has a (web UI) password; the API must still refuse it.
		const password = "correct horse battery staple"
		require.NoError(t, env.Instance.Desk.SetPassword(t.Context(), apitest.AdminEmail, password))
		basic := func(user, pass string) apitest.RequestOption {
			return apitest.Header("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
		}
		auth := map[string]apitest.RequestOption{
			"agent":                    apitest.As("ada@example.com", agentToken),
			"end-user":                 apitest.As("eve@example.com", endToken),
			"none":                     apitest.NoAuth(),
			"agent token, admin email": apitest.As(apitest.AdminEmail, agentToken),
			"admin password":           basic(apitest.AdminEmail, password),
			"admin password as token":  apitest.As(apitest.AdminEmail, password),
		}
		before := env.Counts(t)
		ticketBefore := env.Do(t, "GET", "/api/v2/tickets/1.json", nil)
		for _, c := range append(badInputCases(), laterEndpointCases()...) {
			opts := c.opts
			if c.as != "" && c.as != "admin" {
				o, ok := auth[c.as]
				require.Truef(t, ok, "%s: unknown identity %q", c.name, c.as)
				opts = append([]apitest.RequestOption{o}, opts...)
			}
			res := env.Do(t, c.method, c.path, c.body, opts...)
			require.Equalf(t, c.status, res.Status, "%s: %s", c.name, res.Body)
			require.Truef(t, strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"), "%s: content type %q", c.name, res.Header.Get("Content-Type"))
			var e zendeskError
			res.Decode(t, &e)
			require.Equalf(t, c.err, e.Error, "%s: %s", c.name, res.Body)
			if c.status == http.StatusUnprocessableEntity {
				require.Equal(t, "Record validation errors", e.Description, c.name)
				require.Containsf(t, e.Details, c.field, "%s: details name %q: %s", c.name, c.field, res.Body)
				for _, d := range e.Details[c.field] {
					require.NotEmpty(t, d.Description, c.name)
				}
			}
			require.Equalf(t, before, env.Counts(t), "%s changed rows", c.name)
		}
		require.Equal(t, string(ticketBefore.Body), string(env.Do(t, "GET", "/api/v2/tickets/1.json", nil).Body), "the open ticket is unchanged")
	})
}

func mustStatus(t *testing.T, res *apitest.Response, want int) {
	t.Helper()
	require.Equalf(t, want, res.Status, "%s", res.Body)
}

// laterEndpointCases extends the table to the endpoints added after the ticket,
// user and group API: triggers, webhooks, targets, fields, forms, bulk updates,
// deleted tickets, search and reports.
func laterEndpointCases() []badCase {
	const trig = "/api/v2/triggers.json"
	create := `{"all": [{"field": "update_type", "operator": "is", "value": "Create"}]}`
	return []badCase{
		{name: "trigger: malformed JSON", method: "POST", path: trig, body: `{"trigger": {`, status: 400, err: "InvalidRequest"},
		{name: "trigger: no title", method: "POST", path: trig, body: `{"trigger": {"conditions": ` + create + `, "actions": [{"field": "status", "value": "open"}]}}`, status: 422, err: "RecordInvalid", field: "title"},
		{name: "trigger: unknown condition field", method: "POST", path: trig, body: `{"trigger": {"title": "t", "conditions": {"all": [{"field": "moon_phase", "operator": "is", "value": "full"}]}, "actions": [{"field": "status", "value": "open"}]}}`, status: 422, err: "RecordInvalid", field: "conditions.all[0]"},
		{name: "trigger: unknown webhook", method: "POST", path: trig, body: `{"trigger": {"title": "t", "conditions": ` + create + `, "actions": [{"field": "notification_webhook", "value": ["01NOPE", "{}"]}]}}`, status: 422, err: "RecordInvalid", field: "actions[0]"},
		{name: "trigger: unknown id", method: "PUT", path: "/api/v2/triggers/999.json", body: `{"trigger": {"title": "t"}}`, status: 404, err: "RecordNotFound"},
		{name: "trigger: agent creates one", method: "POST", path: trig, body: `{"trigger": {"title": "t", "conditions": ` + create + `, "actions": [{"field": "status", "value": "open"}]}}`, as: "agent", status: 403, err: "Forbidden"},
		{name: "webhook: not an http URL", method: "POST", path: "/api/v2/webhooks", body: `{"webhook": {"name": "w", "endpoint": "ftp://example.com/x", "http_method": "POST", "request_format": "json"}}`, status: 422, err: "RecordInvalid", field: "endpoint"},
		{name: "webhook: unknown method", method: "POST", path: "/api/v2/webhooks", body: `{"webhook": {"name": "w", "endpoint": "http://example.com/x", "http_method": "TRACE", "request_format": "json"}}`, status: 422, err: "RecordInvalid", field: "http_method"},
		{name: "webhook: unknown id", method: "GET", path: "/api/v2/webhooks/01NOPE", status: 404, err: "RecordNotFound"},
		{name: "webhook: end user lists them", method: "GET", path: "/api/v2/webhooks", as: "end-user", status: 403, err: "Forbidden"},
		{name: "target: unsupported type", method: "POST", path: "/api/v2/targets.json", body: `{"target": {"type": "email_target", "title": "t", "target_url": "http://example.com"}}`, status: 422, err: "RecordInvalid", field: "type"},
		{name: "field: unknown type", method: "POST", path: "/api/v2/ticket_fields.json", body: `{"ticket_field": {"type": "bogus", "title": "x"}}`, status: 422, err: "RecordInvalid", field: "type"},
		{name: "field: unknown id", method: "DELETE", path: "/api/v2/ticket_fields/999.json", status: 404, err: "RecordNotFound"},
		{name: "form: unknown field", method: "POST", path: "/api/v2/ticket_forms.json", body: `{"ticket_form": {"name": "f", "ticket_field_ids": [999]}}`, status: 422, err: "RecordInvalid", field: "ticket_field_ids"},
		{name: "offset page past 10,000 records", method: "GET", path: "/api/v2/tickets.json?page=101&per_page=100", status: 400, err: "InvalidRequest"},
		{name: "offset page past 10,000 records, small pages", method: "GET", path: "/api/v2/users.json?page=10001&per_page=1", status: 400, err: "InvalidRequest"},
		{name: "update_many: ids not numbers", method: "PUT", path: "/api/v2/tickets/update_many.json?ids=abc", body: `{"ticket": {"status": "open"}}`, status: 400, err: "InvalidRequest"},
		{name: "deleted ticket: unknown id", method: "PUT", path: "/api/v2/deleted_tickets/999/restore.json", status: 404, err: "RecordNotFound"},
		{name: "search: unterminated quote", method: "GET", path: "/api/v2/search.json?query=%22printer", status: 400, err: "invalid"},
		{name: "report: bad date", method: "GET", path: "/api/v2/twindesk/reports/escalations.json?from=yesterday", status: 400, err: "InvalidRequest"},
		{name: "report: end user", method: "GET", path: "/api/v2/twindesk/reports/escalations.json", as: "end-user", status: 403, err: "Forbidden"},
	}
}

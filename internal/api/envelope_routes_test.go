package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// TestEnvelopeBodies: every endpoint whose body is Zendesk's {"<key>": {...}}
// answers a body without the key, with the key null, or with the key not an
// object, with the same 422 naming the key, and writes nothing; a field of the
// wrong type inside is a 422 naming that field.
func TestEnvelopeBodies(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		mustStatus(t, env.Do(t, "POST", "/api/v2/groups.json", `{"group": {"name": "IT"}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "POST", "/api/v2/tickets.json", `{"ticket": {"subject": "Open", "comment": {"body": "b"}}}`), http.StatusCreated)
		mustStatus(t, env.Do(t, "POST", "/api/v2/business_hours/schedules.json", `{"schedule": {"name": "Berlin", "time_zone": "Europe/Berlin"}}`), http.StatusCreated)
		before := env.Counts(t)
		for _, c := range []struct {
			method, path, key string
			wrongType         string // a body with one field of the wrong type, named by field
			field             string
		}{
			{"POST", "/api/v2/tickets.json", "ticket", `{"ticket": {"subject": 5}}`, "subject"},
			{"PUT", "/api/v2/tickets/1.json", "ticket", `{"ticket": {"status": 5}}`, "status"},
			{"POST", "/api/v2/imports/tickets.json", "ticket", `{"ticket": {"subject": []}}`, "subject"},
			{"POST", "/api/v2/users.json", "user", `{"user": {"name": 5}}`, "name"},
			{"PUT", "/api/v2/users/1.json", "user", `{"user": {"email": {}}}`, "email"},
			{"POST", "/api/v2/groups.json", "group", `{"group": {"is_public": "yes"}}`, "is_public"},
			{"PUT", "/api/v2/groups/1.json", "group", `{"group": {"is_public": 1}}`, "is_public"},
			{"POST", "/api/v2/group_memberships.json", "group_membership", `{"group_membership": {"default": "no"}}`, "default"},
			{"POST", "/api/v2/organizations.json", "organization", `{"organization": {"domain_names": "a.com"}}`, "domain_names"},
			{"POST", "/api/v2/ticket_fields.json", "ticket_field", `{"ticket_field": {"title": 5}}`, "title"},
			{"POST", "/api/v2/ticket_forms.json", "ticket_form", `{"ticket_form": {"ticket_field_ids": "1"}}`, "ticket_field_ids"},
			{"POST", "/api/v2/targets.json", "target", `{"target": {"active": "on"}}`, "active"},
			{"POST", "/api/v2/twindesk/mailboxes.json", "mailbox", `{"mailbox": {"active": "on"}}`, "active"},
			{"POST", "/api/v2/business_hours/schedules/1/holidays.json", "holiday", `{"holiday": {"name": 5}}`, "name"},
		} {
			blank := c.key + `: the body must be {"` + c.key + `": {...}}`
			for _, body := range []string{`{}`, `{"` + c.key + `": null}`, `{"other": {}}`} {
				requireInvalid(t, env.Do(t, c.method, c.path, body), c.method+" "+c.path+" "+body, c.key, blank)
			}
			requireInvalid(t, env.Do(t, c.method, c.path, `{"`+c.key+`": "x"}`), c.method+" "+c.path+" as a string", c.key, "")
			requireInvalid(t, env.Do(t, c.method, c.path, c.wrongType), c.method+" "+c.path+" "+c.wrongType, c.field, "")
			require.Equal(t, before, env.Counts(t), "%s %s changed rows", c.method, c.path)
		}
	})
}

// requireInvalid requires a 422 RecordInvalid whose details name field, with
// the description want when it is not empty.
func requireInvalid(t *testing.T, res *apitest.Response, what, field, want string) {
	t.Helper()
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, "%s: %s", what, res.Body)
	var e zendeskError
	res.Decode(t, &e)
	require.Equal(t, "RecordInvalid", e.Error, what)
	require.Len(t, e.Details[field], 1, "%s: %s", what, res.Body)
	if want != "" {
		require.Equal(t, want, e.Details[field][0].Description, what)
		require.Equal(t, "BlankValue", e.Details[field][0].Error, what)
	}
}

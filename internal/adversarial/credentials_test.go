package adversarial

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
)

// stealCredentials is the IT admin of issue 16, item 1: they look for HR's
// credentials in standard's files, API and UI, and point the recipe's webhook
// at a listener of theirs.
func stealCredentials(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	r.noteFlows(t, e)
	hr := r.hrTicket(t)
	captured := r.secProxy.webhookCredentials()
	t.Run("peer credential standard sends", func(t *testing.T) {
		require.NotEmpty(t, captured, "standard called secure without credentials: the proxy saw none")
		for _, authz := range captured {
			r.assertPowerless(t, authz, hr, e.secure)
		}
	})
	t.Run("repoint webhook to an allowed listener", func(t *testing.T) {
		got := r.repointUpdateHook(t, e, r.itAllowed, true)
		for _, authz := range got {
			r.assertPowerless(t, authz, hr, e.secure)
		}
		captured = append(captured, got...)
	})
	t.Run("repoint webhook with liquid in the authority", func(t *testing.T) {
		// Written to look like secure's origin, rendered to the listener's.
		got := r.repointUpdateHookTo(t, e, "http://"+r.secProxy.addr+`{{ "@`+r.itAllowed.addr+`" }}/api/v2/tickets/update_many.json?ids={{ticket.external_id}}`, r.itAllowed, false)
		for _, authz := range got {
			r.assertPowerless(t, authz, hr, e.secure)
		}
		captured = append(captured, got...)
	})
	t.Run("repoint webhook to a listener on no list", func(t *testing.T) {
		r.repointUpdateHook(t, e, r.itRefused, false)
		assert.Empty(t, r.itRefused.requests(), "standard called a listener its outbound policy doesn't allow")
	})
	t.Run("files", func(t *testing.T) { r.assertNoSecretsInFiles(t, captured) })
	t.Run("api and ui", func(t *testing.T) { r.assertWebhooksHideSecrets(t) })
	t.Run("setup restores the recipe", func(t *testing.T) {
		r.setup(t)
		r.noteFlows(t, e)
	})
}

// hrTicket is an HR agent's ticket that was never escalated.
func (r *rig) hrTicket(t *testing.T) int64 {
	return r.hrAgent.createTicket(t, map[string]any{"subject": "Sick leave " + canary("hr"),
		"comment": map[string]any{"body": "Private HR matter " + canary("hrbody")}})
}

// repointUpdateHook PATCHes "Escalation: update secure ticket" to l, as a
// standard admin may, and makes it fire with a note on stub e. It returns the
// Authorization headers l received.
func (r *rig) repointUpdateHook(t *testing.T, e escalated, l *listener, allowed bool) []string {
	return r.repointUpdateHookTo(t, e, l.url()+"/api/v2/tickets/update_many.json?ids={{ticket.external_id}}", l, allowed)
}

// repointUpdateHookTo is repointUpdateHook with the endpoint written out; l is
// the listener it reaches, called for sure when allowed.
func (r *rig) repointUpdateHookTo(t *testing.T, e escalated, endpoint string, l *listener, allowed bool) []string {
	id := r.stdAdmin.webhookID(t, "Escalation: update secure ticket")
	before := len(l.requests())
	res := r.stdAdmin.do(t, "PATCH", "/webhooks/"+id, map[string]any{"webhook": map[string]any{"endpoint": endpoint}})
	if res.code == http.StatusUnprocessableEntity {
		t.Logf("the new endpoint was refused at save: %s", res)
		require.False(t, allowed, "an endpoint the outbound policy allows was refused: %s", res)
		return nil
	}
	require.Contains(t, []int{http.StatusOK, http.StatusNoContent}, res.code, "PATCH webhook: %s", res)
	r.itAgent.must(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.stub), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Caller rang " + canary("repoint"), "public": false}}})
	if allowed {
		ok := eventually(t, 20*time.Second, "listener called", func() bool { return len(l.requests()) > before })
		require.True(t, ok, "standard never called the repointed webhook: the attack was not tried")
	} else {
		time.Sleep(3 * time.Second) // room for a delivery that should not happen
	}
	var authz []string
	for _, h := range l.requests()[before:] {
		t.Logf("listener got %s %s with Authorization %q", h.method, h.path, redactAuthz(h.authz))
		if h.authz != "" {
			authz = append(authz, h.authz)
		}
	}
	return authz
}

func redactAuthz(a string) string {
	if len(a) > 12 {
		return a[:12] + "..."
	}
	return a
}

// assertPowerless replays a captured Authorization header on secure: it may do
// nothing beyond the recipe's calls on linked tickets. It reads nothing, not
// even the ticket an escalation linked, and changes no ticket that is not linked.
func (r *rig) assertPowerless(t *testing.T, authz string, hr, linked int64) {
	thief := api{base: r.sec.URL(), authz: authz}
	before, beforeLinked := r.secAdmin.ticket(t, hr), r.secAdmin.ticket(t, linked)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/tickets.json", nil},
		{"GET", fmt.Sprintf("/tickets/%d.json", hr), nil},
		{"GET", fmt.Sprintf("/tickets/%d/comments.json", hr), nil},
		{"GET", fmt.Sprintf("/tickets/%d.json", linked), nil},
		{"GET", fmt.Sprintf("/tickets/%d/comments.json", linked), nil},
		{"GET", fmt.Sprintf("/tickets/%d/audits.json", linked), nil},
		{"GET", "/search.json?query=type:ticket", nil},
		{"GET", "/search/export.json?query=type:ticket&filter[type]=ticket", nil},
		{"GET", "/webhooks", nil},
		{"GET", "/users.json", nil},
		{"POST", "/users.json", map[string]any{"user": map[string]any{"name": "Mallory", "email": "mallory@example.com", "role": "admin"}}},
		{"PUT", fmt.Sprintf("/tickets/%d.json", hr), map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "pwned"}}}},
		{"PUT", fmt.Sprintf("/tickets/update_many.json?ids=%d", hr), map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "pwned"}}}},
	} {
		res := thief.do(t, c.method, c.path, c.body)
		assert.Contains(t, []int{401, 403, 404, 422}, res.code, "captured credential on secure: %s %s answered %s", c.method, c.path, res)
	}
	if me := thief.do(t, "GET", "/users/me.json", nil); me.code == http.StatusOK {
		user, _ := me.obj["user"].(map[string]any)
		assert.NotContains(t, []any{"admin", "agent"}, user["role"], "captured credential is staff on secure: %s", me)
	}
	after := r.secAdmin.ticket(t, hr)
	assert.Equal(t, before["updated_at"], after["updated_at"], "HR ticket %d changed by the captured credential", hr)
	// On the linked ticket the recipe posts private notes; it never closes the
	// ticket or writes to the requester.
	thief.do(t, "PUT", fmt.Sprintf("/tickets/update_many.json?ids=%d", linked), map[string]any{"ticket": map[string]any{
		"status": "closed", "comment": map[string]any{"body": "public reply " + canary("public"), "public": true}}})
	afterLinked := r.secAdmin.ticket(t, linked)
	assert.Equal(t, beforeLinked["status"], afterLinked["status"], "the captured credential changed linked ticket %d's status", linked)
	for _, c := range r.secAdmin.must(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", linked), nil)["comments"].([]any) {
		c := c.(map[string]any)
		assert.False(t, c["public"] == true && strings.Contains(fmt.Sprint(c["body"]), "public reply"),
			"the captured credential wrote to the requester of linked ticket %d", linked)
	}
}

// secretValue is the token in an Authorization header (Basic user/token:T or
// Bearer T).
func secretValue(authz string) string {
	if b, ok := strings.CutPrefix(authz, "Basic "); ok {
		raw, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return b
		}
		_, pw, _ := strings.Cut(string(raw), ":")
		return pw
	}
	_, v, _ := strings.Cut(authz, " ")
	return v
}

// assertNoSecretsInFiles scans both data dirs and logs for the admins' tokens,
// the credentials a listener captured and the key that seals stored ones.
func (r *rig) assertNoSecretsInFiles(t *testing.T, captured []string) {
	key, err := os.ReadFile(r.keyFile)
	require.NoError(t, err)
	secrets := map[string]string{
		"secure admin's token":            r.secToken,
		"standard admin's token":          r.stdToken,
		"secure admin's Basic credential": base64.StdEncoding.EncodeToString([]byte(r.secAdmin.email + "/token:" + r.secToken)),
		"secret key":                      strings.TrimSpace(string(key)),
	}
	for i, a := range captured {
		secrets[fmt.Sprintf("captured credential %d", i)] = secretValue(a)
	}
	for what, secret := range secrets {
		assert.Empty(t, r.stdHolding(t, secret), "%s in plain text in standard's database", what)
		assert.Empty(t, canarytest.FilesContaining(t, r.secData, secret), "%s in plain text under %s", what, r.secData)
		for _, log := range []string{r.std.LogPath, r.sec.LogPath} {
			b, err := os.ReadFile(log)
			require.NoError(t, err)
			assert.NotContains(t, string(b), secret, "%s in %s", what, log)
		}
	}
}

// assertWebhooksHideSecrets reads standard's webhooks as its admin through the
// API and the admin UI: no token, no password.
func (r *rig) assertWebhooksHideSecrets(t *testing.T) {
	ui := newBrowser(r.std.URL())
	ui.login(t, r.stdAdmin.email, password)
	pages := []string{string(r.stdAdmin.do(t, "GET", "/webhooks", nil).raw), ui.page(t, "/admin/webhooks")}
	for _, h := range r.stdAdmin.list(t, "/webhooks", "webhooks") {
		pages = append(pages, string(r.stdAdmin.do(t, "GET", fmt.Sprintf("/webhooks/%v", h["id"]), nil).raw),
			ui.page(t, fmt.Sprintf("/admin/webhooks/%v", h["id"])))
	}
	for i, p := range pages {
		assert.NotContains(t, p, r.secToken, "page %d shows the secure admin's token", i)
		assert.NotContains(t, p, `"password"`, "page %d shows a password", i)
	}
}

// hrAdminRepointsStubHook: secure's "update standard stub" webhook pointed at
// a listener on secure's own host list; the peer credential must not follow.
func hrAdminRepointsStubHook(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	hook := r.secAdmin.webhookID(t, "Escalation: update standard stub")
	res := r.secAdmin.do(t, "PATCH", "/webhooks/"+hook, map[string]any{"webhook": map[string]any{
		"endpoint": r.redirect.url() + "/api/v2/tickets/update_many.json?ids={{ticket.external_id}}"}})
	t.Logf("repoint: %s", truncate(res.String(), 200))
	before := len(r.redirect.requests())
	r.hrAgent.must(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.secure), map[string]any{"ticket": map[string]any{"status": "open"}})
	ok := eventually(t, 20*time.Second, "listener called", func() bool { return len(r.redirect.requests()) > before })
	require.True(t, ok, "secure never called the repointed webhook: the attack was not tried")
	for _, h := range r.redirect.requests()[before:] {
		assert.Empty(t, h.authz, "secure sent a credential to a listener after its webhook moved")
	}
	r.setup(t)
	legitimateEscalation(t, r)
}

// peerEditsLinked: the peer credential standard sends, used on the linked
// secure ticket for more than a private note.
func peerEditsLinked(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	r.noteFlows(t, e)
	creds := r.secProxy.webhookCredentials()
	require.NotEmpty(t, creds)
	before := r.secAdmin.ticket(t, e.secure)
	thief := api{base: r.sec.URL(), authz: creds[0]}
	for _, change := range []map[string]any{{"subject": "changed"}, {"priority": "urgent"}, {"assignee_email": r.secAdmin.email},
		{"external_id": "999"}, {"requester": map[string]any{"name": "Mallory", "email": "mallory@example.com"}}} {
		res := thief.do(t, "PUT", fmt.Sprintf("/tickets/update_many.json?ids=%d", e.secure), map[string]any{"ticket": change})
		assert.NotEqual(t, http.StatusOK, res.code, "the peer credential changed %v on linked ticket %d: %s", change, e.secure, res)
	}
	time.Sleep(time.Second)
	after := r.secAdmin.ticket(t, e.secure)
	for _, k := range []string{"subject", "priority", "assignee_id", "external_id", "requester_id"} {
		assert.Equal(t, before[k], after[k], "the peer credential changed %s of linked ticket %d", k, e.secure)
	}
}

// peerCreates: the peer credential standard sends may create escalated tickets
// (once per standard id, which secure can't check), but not rename an HR user
// through the requester, nor write to the requester.
func peerCreates(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	r.noteFlows(t, e)
	creds := r.secProxy.webhookCredentials()
	require.NotEmpty(t, creds)
	thief := api{base: r.sec.URL(), authz: creds[0]}
	me := r.hrAgent.must(t, "GET", "/users/me.json", nil)["user"].(map[string]any)
	for i, body := range []map[string]any{
		{"subject": "x", "comment": map[string]any{"body": "x", "public": false}, "requester": map[string]any{"name": "Mallory", "email": r.hrAgent.email}},
		{"subject": "x", "comment": map[string]any{"body": "Click http://evil.example", "public": true}, "requester": map[string]any{"name": "Jo", "email": "jo@example.com"}},
		{"subject": "x", "comment": map[string]any{"body": "x", "public": false}, "requester_id": me["id"], "assignee_id": me["id"]},
	} {
		body["custom_fields"] = []map[string]any{{"id": r.secStdID, "value": fmt.Sprint(900000 + i)}}
		res := thief.do(t, "POST", "/tickets.json", map[string]any{"ticket": body})
		t.Logf("peer create %d: %d", i, res.code)
		if res.code == http.StatusCreated {
			for _, c := range r.secAdmin.must(t, "GET", fmt.Sprintf("/tickets/%d/comments.json", idOf(res.obj["ticket"])), nil)["comments"].([]any) {
				assert.NotEqual(t, true, c.(map[string]any)["public"], "the peer wrote to a requester")
			}
		}
	}
	after := r.hrAgent.must(t, "GET", "/users/me.json", nil)["user"].(map[string]any)
	assert.Equal(t, me["name"], after["name"], "the peer renamed an HR agent")
}

package adversarial

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/twindesk/twindesk/internal/escalation"
)

// reservedTags are the recipe's tags; no person sets or removes them by hand.
var reservedTags = []string{escalation.TagEscalatedToSecure, escalation.TagHasSecureID, escalation.TagHasStandardID,
	escalation.TagEscalatedFromStd, escalation.TagStubRequired, escalation.TagStubRequiresSync, escalation.TagEscalationInFlight}

// hrSnapshot is what must not change on a secure ticket an attacker targets.
type hrSnapshot struct {
	ExternalID any
	Tags       []string
	UpdatedAt  any
	Comments   int
	Audits     int
}

func (r *rig) hrSnapshot(t *testing.T, id int64) hrSnapshot {
	tk := r.secAdmin.ticket(t, id)
	audits := r.secAdmin.must(t, "GET", fmt.Sprintf("/tickets/%d/audits.json", id), nil)["audits"].([]any)
	return hrSnapshot{tk["external_id"], tagsOf(tk), tk["updated_at"], r.secAdmin.comments(t, id), len(audits)}
}

// hijackHRTickets is the IT agent of issue 16, item 2: a forged stub whose
// external_id lists secure tickets that were never escalated.
func hijackHRTickets(t *testing.T, r *rig) {
	hr := make([]int64, 5)
	ids := make([]string, len(hr))
	for i := range hr {
		hr[i] = r.hrTicket(t)
		ids[i] = fmt.Sprint(hr[i])
	}
	r.settle(t)
	before := map[int64]hrSnapshot{}
	for _, id := range hr {
		before[id] = r.hrSnapshot(t, id)
	}
	forged := []string{strings.Join(ids, ","), ids[0] + "&ids=" + ids[1], ids[0]}
	for _, ext := range forged {
		for _, who := range []api{r.itAgent, r.stdAdmin} {
			r.forgeStub(t, who, ext)
		}
	}
	r.settle(t)
	for _, id := range hr {
		assert.Equal(t, before[id], r.hrSnapshot(t, id), "secure ticket %d changed by a forged stub", id)
	}
	legitimateEscalation(t, r)
}

// forgeStub tries to make a standard ticket look like the stub of secure ticket
// ext: created with the recipe's tags (refused), created without them and
// tagged later (refused), then commented on (no effect on secure).
func (r *rig) forgeStub(t *testing.T, who api, ext string) {
	tags := []string{escalation.TagHasSecureID, escalation.TagEscalatedToSecure}
	res := who.do(t, "POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "Forged stub", "comment": map[string]any{"body": "forged"}, "external_id": ext, "tags": tags}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s created a ticket with the recipe's tags: %s", who.email, res)
	id := who.createTicket(t, map[string]any{"subject": "Forged stub", "comment": map[string]any{"body": "forged"}, "external_id": ext})
	path := fmt.Sprintf("/tickets/%d.json", id)
	for _, change := range []map[string]any{{"additional_tags": tags}, {"tags": tags}} {
		res = who.do(t, "PUT", path, map[string]any{"ticket": change})
		assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s added the recipe's tags with %v: %s", who.email, change, res)
	}
	who.do(t, "PUT", path, map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "hijack " + ext, "public": false}}})
}

// reservedTagsByHand: agents and admins of either side can't add or remove the
// recipe's tags, and a stub keeps syncing after they tried.
func reservedTagsByHand(t *testing.T, r *rig) {
	e := r.escalate(t, newTicketText())
	plain := r.itAgent.createTicket(t, map[string]any{"subject": "Printer", "comment": map[string]any{"body": "jammed"}})
	for _, who := range []api{r.itAgent, r.stdAdmin} {
		for _, tag := range reservedTags {
			res := who.do(t, "PUT", fmt.Sprintf("/tickets/%d.json", plain), map[string]any{"ticket": map[string]any{"additional_tags": []string{tag}}})
			assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s added %s: %s", who.email, tag, res)
		}
		res := who.do(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.stub), map[string]any{"ticket": map[string]any{"remove_tags": []string{escalation.TagEscalatedToSecure}}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s removed %s from stub %d: %s", who.email, escalation.TagEscalatedToSecure, e.stub, res)
	}
	r.tagInUI(t, plain)
	for _, who := range []api{r.hrAgent, r.secAdmin} {
		res := who.do(t, "PUT", fmt.Sprintf("/tickets/%d.json", e.secure), map[string]any{"ticket": map[string]any{"remove_tags": []string{escalation.TagHasStandardID}}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.code, "%s removed %s from secure ticket %d: %s", who.email, escalation.TagHasStandardID, e.secure, res)
	}
	r.noteFlows(t, e)
}

// tagInUI tries the same through the agent UI's ticket form: refused, and the
// ticket keeps its tags.
func (r *rig) tagInUI(t *testing.T, id int64) {
	ui := newBrowser(r.std.URL())
	ui.login(t, r.itAgent.email, password)
	path := fmt.Sprintf("/tickets/%d", id)
	ui.page(t, path)
	before := tagsOf(r.itAgent.ticket(t, id))
	code, body := ui.do(t, "POST", path, url.Values{"tags": {strings.Join(append(before, escalation.TagHasSecureID, escalation.TagEscalatedToSecure), " ")}})
	assert.Equal(t, http.StatusUnprocessableEntity, code, "the ticket form took the recipe's tags: %s", truncate(body, 300))
	assert.Contains(t, body, "reserved for the escalation", "the form says why")
	assert.Equal(t, before, tagsOf(r.itAgent.ticket(t, id)), "ticket %d's tags after the form", id)
}

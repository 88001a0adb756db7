package escalation_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// The peer identity's rules, played by insiders against two real instances over
// HTTP (issue 16). internal/adversarial plays the same as separate processes.

// probePeer issues a peer identity of its own on n (setup's identities keep
// their tokens) and returns its API handle: what a stolen peer credential can do.
func (tw *twin) probePeer(n *node) api {
	admin := api{tw.t, n.URL, n.Admin.Email, n.Token}
	out := admin.must("POST", "/twindesk/peer_identities/probe/token.json", map[string]any{})
	id := out["peer_identity"].(map[string]any)
	return api{tw.t, n.URL, id["email"].(string), id["token"].(string)}
}

func TestPeerCredentialReadsNothingAndChangesOnlyLinkedTickets(t *testing.T) {
	tw := newTwin(t)
	hr, _ := tw.agent(tw.sec, "Hanna HR", "hr.agent@secure.example", "Payroll")
	secret := canary(t, "HRONLY")
	hrTicket := ticketID(hr.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "Sick note " + secret, "comment": map[string]any{"body": secret},
		"requester": map[string]any{"name": "Em Ployee", "email": "em@example.com"}}}))
	stolen := tw.probePeer(tw.sec)

	for _, path := range []string{"/tickets.json", fmt.Sprintf("/tickets/%d.json", hrTicket),
		fmt.Sprintf("/tickets/%d/comments.json", hrTicket), "/search.json?query=" + secret, "/users.json", "/webhooks.json", "/triggers.json"} {
		code, out := stolen.call("GET", path, nil)
		require.Equal(t, http.StatusForbidden, code, "GET %s: %v", path, out)
		require.NotContains(t, fmt.Sprint(out), secret)
	}
	code, _ := stolen.call("POST", "/webhooks.json", map[string]any{"webhook": map[string]any{"name": "x", "endpoint": "http://example.com"}})
	require.Equal(t, http.StatusForbidden, code)

	// Changing an HR ticket that no escalation links: not found, nothing written.
	for _, change := range []map[string]any{
		{"comment": map[string]any{"body": "injected"}},
		{"external_id": "1", "additional_tags": []string{escalation.TagHasStandardID}},
		{"status": "solved"},
	} {
		code, out := stolen.call("PUT", fmt.Sprintf("/tickets/update_many.json?ids=%d", hrTicket), map[string]any{"ticket": change})
		require.NotEqual(t, 2, code/100, "%v: %v", change, out)
		code, out = stolen.call("PUT", fmt.Sprintf("/tickets/%d.json", hrTicket), map[string]any{"ticket": change})
		require.Equal(t, http.StatusNotFound, code, "%v: %v", change, out)
	}
	// A list of ids, even with a linked ticket among them, is a forged id.
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	linked := tw.escalate(t, it, canary(t, "LINKED"))
	code, out := stolen.call("PUT", fmt.Sprintf("/tickets/update_many.json?ids=%d,%d", linked.secureID, hrTicket),
		map[string]any{"ticket": map[string]any{"comment": map[string]any{"body": "listed note"}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)
	require.NotContains(t, comments(tw.secAdmin, linked.secureID), "listed note")
	code, _ = stolen.call("DELETE", fmt.Sprintf("/tickets/%d.json", hrTicket), nil)
	require.Equal(t, http.StatusForbidden, code, "a peer deletes nothing on the secure instance")

	// Creating an escalated ticket needs a standard ticket id, once.
	code, out = stolen.call("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "x", "comment": map[string]any{"body": "x"}, "tags": []string{escalation.TagEscalatedFromStd, escalation.TagStubRequired}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)

	tk := tw.secAdmin.must("GET", fmt.Sprintf("/tickets/%d.json", hrTicket), nil)["ticket"].(map[string]any)
	require.Empty(t, tk["external_id"])
	require.NotContains(t, tk["tags"], escalation.TagHasStandardID)
	require.NotContains(t, comments(tw.secAdmin, hrTicket), "injected")
}

func TestForgedStubCannotHijackSecureTickets(t *testing.T) {
	tw := newTwin(t)
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	hr, _ := tw.agent(tw.sec, "Hanna HR", "hr.agent@secure.example", "Payroll")
	var hrTickets []string
	for i := 0; i < 5; i++ {
		id := ticketID(hr.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
			"subject": "HR only", "comment": map[string]any{"body": "HR only"}}}))
		hrTickets = append(hrTickets, fmt.Sprint(id))
	}
	ids := strings.Join(hrTickets, ",")

	// The seed's stub tags are reserved: an IT agent can't forge a stub.
	code, out := it.call("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "forged", "comment": map[string]any{"body": "forged"}, "external_id": ids,
		"tags": []string{escalation.TagHasSecureID, escalation.TagEscalatedToSecure}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)
	require.Contains(t, fmt.Sprint(out["details"]), "reserved")

	// Without the tags, with a list or a query in its external id, and commented on.
	for _, ext := range []string{ids, hrTickets[0] + "&ids=" + hrTickets[1], hrTickets[0]} {
		forged := ticketID(it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
			"subject": "forged", "comment": map[string]any{"body": "forged"}, "external_id": ext}}))
		code, out = it.call("PUT", fmt.Sprintf("/tickets/%d.json", forged), map[string]any{"ticket": map[string]any{
			"additional_tags": []string{escalation.TagHasSecureID}}})
		require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)
		it.must("PUT", fmt.Sprintf("/tickets/%d.json", forged), map[string]any{"ticket": map[string]any{
			"comment": map[string]any{"body": "hijack note", "public": false}}})
	}
	// A real escalation still works (and proves its deliveries have settled by then).
	tw.escalate(t, it, canary(t, "LEGIT"))
	time.Sleep(300 * time.Millisecond)
	for _, id := range hrTickets {
		tk := tw.secAdmin.must("GET", "/tickets/"+id+".json", nil)["ticket"].(map[string]any)
		require.Empty(t, tk["external_id"], "secure ticket %s", id)
		require.NotContains(t, tk["tags"], escalation.TagHasStandardID)
		var n int64
		fmt.Sscan(id, &n)
		require.NotContains(t, comments(tw.secAdmin, n), "hijack note")
	}
}

func TestSecureAgentCannotPushAStubIntoStandard(t *testing.T) {
	tw := newTwin(t)
	hr, _ := tw.agent(tw.sec, "Hanna HR", "hr.agent@secure.example", "Payroll")
	c := canary(t, "PUSHED")
	code, out := hr.call("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": c, "comment": map[string]any{"body": c},
		"tags": []string{escalation.TagEscalatedFromStd, escalation.TagStubRequired}}})
	require.Equal(t, http.StatusUnprocessableEntity, code, "%v", out)

	// An HR admin can still write a trigger that makes every new ticket look
	// escalated from a real standard ticket: standard refuses the stub, since it
	// is not escalating that ticket.
	it, _ := tw.agent(tw.std, "Ivy IT", "it.agent@standard.example", "IT Support")
	victim := ticketID(it.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": "Printer", "comment": map[string]any{"body": "jammed"}}}))
	stdTicketField := fieldIDs(t, tw.secAdmin)[escalation.FieldStandardTicket]
	tw.secAdmin.must("POST", "/triggers.json", map[string]any{"trigger": map[string]any{
		"title":      "Make it look escalated",
		"conditions": map[string]any{"all": []any{map[string]any{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": []any{map[string]any{"field": "set_tags", "value": escalation.TagEscalatedFromStd + " " + escalation.TagStubRequired},
			map[string]any{"field": fmt.Sprintf("custom_fields_%d", stdTicketField), "value": fmt.Sprint(victim)}},
	}})
	hr.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{
		"subject": c, "comment": map[string]any{"body": c}, "requester": map[string]any{"name": c, "email": "pushed@example.com"}}})
	stubHook := ""
	for _, h := range tw.secAdmin.must("GET", "/webhooks.json", nil)["webhooks"].([]any) {
		if h := h.(map[string]any); h["name"] == "Escalation: create standard stub" {
			stubHook = h["id"].(string)
		}
	}
	eventually(t, "standard refusing the forged stub", func() bool {
		out := tw.secAdmin.must("GET", "/webhooks/"+stubHook+"/invocations.json", nil)
		return strings.Contains(fmt.Sprint(out), "422")
	})
	_, found := tw.stdAdmin.call("GET", "/search.json?query="+c, nil)
	require.NotContains(t, fmt.Sprint(found), c)
	_, list := tw.stdAdmin.call("GET", "/tickets.json", nil)
	require.NotContains(t, fmt.Sprint(list), c)
	require.Len(t, ticketsByExternalID(tw.stdAdmin, "1"), 0, "no stub was made for the forged ticket")
	require.Empty(t, tagged(tw.stdAdmin, escalation.TagEscalatedToSecure))
}

// TestPeerIdentityCantBePromoted: an HR admin who could make standard's peer
// identity an admin would turn the credential standard holds into an admin's.
func TestPeerIdentityCantBePromoted(t *testing.T) {
	tw := newTwin(t)
	probe := tw.probePeer(tw.sec)
	me := probe.must("GET", "/users/me.json", nil)["user"].(map[string]any)
	path := fmt.Sprintf("/users/%v.json", me["id"])
	for _, change := range []map[string]any{{"role": "admin"}, {"email": "hr.admin@secure.example"}, {"name": "Someone"}} {
		code, out := tw.secAdmin.call("PUT", path, map[string]any{"user": change})
		require.Equal(t, http.StatusUnprocessableEntity, code, "%v: %v", change, out)
	}
	code, _ := probe.call("GET", "/tickets.json", nil)
	require.Equal(t, http.StatusForbidden, code, "still a peer")

	// Suspending it works and stops the token at once; reactivating restores it.
	tw.secAdmin.must("PUT", path, map[string]any{"user": map[string]any{"suspended": true}})
	code, _ = probe.call("GET", "/users/me.json", nil)
	require.Equal(t, http.StatusUnauthorized, code)
	tw.secAdmin.must("PUT", path, map[string]any{"user": map[string]any{"suspended": false}})
	code, _ = probe.call("GET", "/users/me.json", nil)
	require.Equal(t, http.StatusOK, code)
}

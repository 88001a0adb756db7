package escalation_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/escalation"
)

// Attacks on what the forward added (issue 18): a peer credential that may
// upload and import, in the hands of an insider.

// rawUpload posts a file to /uploads as a and returns the answer.
func rawUpload(t *testing.T, a api, name, token, body string) (int, map[string]any) {
	q := url.Values{"filename": {name}}
	if token != "" {
		q.Set("token", token)
	}
	req, err := http.NewRequest("POST", a.base+"/api/v2/uploads.json?"+q.Encode(), strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(a.email+"/token", a.token)
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func uploadOf(out map[string]any) (token string, attachment map[string]any) {
	up := out["upload"].(map[string]any)
	return up["token"].(string), up["attachment"].(map[string]any)
}

// importBody is a forward as the worker sends it, for standard ticket origin.
func importBody(tw *twin, origin string, comments ...map[string]any) map[string]any {
	ids := fieldIDs(tw.t, tw.secAdmin)
	return map[string]any{"ticket": map[string]any{
		"subject":   "Escalated",
		"requester": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"},
		"tags":      []string{escalation.TagEscalatedFromStd, escalation.TagStubRequired},
		"custom_fields": []map[string]any{{"id": ids[escalation.FieldStandardTicket], "value": origin},
			{"id": ids[escalation.FieldEscalatedBy], "value": "it.agent@standard.example"}},
		"comments": comments,
	}}
}

func TestPeerUploadsAndImportsOnlyWhatItMayDo(t *testing.T) {
	tw := newTwin(t)
	hr, hrID := tw.agent(tw.sec, "Hanna HR", "hr.agent@secure.example", "Payroll")
	stolen := tw.probePeer(tw.sec) // what standard's peer credential can do on secure
	secret := canary(t, "HRFILE")

	// HR's own upload, not yet attached: the peer can't take it.
	code, out := rawUpload(t, hr, "contract.txt", "", "contract "+secret)
	require.Equal(t, http.StatusCreated, code, "%v", out)
	hrToken, hrFile := uploadOf(out)
	code, out = stolen.call("POST", "/imports/tickets.json", importBody(tw, "90001",
		map[string]any{"value": "x", "author": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"}, "uploads": []string{hrToken}}))
	require.Equal(t, http.StatusUnprocessableEntity, code, "another user's upload: %v", out)
	code, out = stolen.call("POST", "/uploads.json?token="+hrToken+"&filename=x.txt", nil)
	require.NotEqual(t, http.StatusCreated, code, "adding to HR's upload: %v", out)

	// Its own upload works, but it can't read it back or delete anything.
	code, out = rawUpload(t, stolen, "note.txt", "", "peer file")
	require.Equal(t, http.StatusCreated, code, "%v", out)
	peerToken, peerFile := uploadOf(out)
	code, _ = stolen.call("GET", fmt.Sprintf("/attachments/%v.json", peerFile["id"]), nil)
	require.Equal(t, http.StatusForbidden, code)
	code, _ = stolen.call("GET", fmt.Sprintf("/attachments/%v.json", hrFile["id"]), nil)
	require.Equal(t, http.StatusForbidden, code)
	for _, u := range []string{peerFile["content_url"].(string), hrFile["content_url"].(string)} {
		code, body := download(t, stolen, u)
		require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, code, "download %s", u)
		require.NotContains(t, string(body), secret)
	}
	code, _ = stolen.call("DELETE", "/uploads/"+hrToken+".json", nil)
	require.Equal(t, http.StatusForbidden, code)

	// Forged links: a list of ids, an author given by id (an HR agent), and a
	// second import of an escalated ticket.
	jo := map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"}
	for name, body := range map[string]map[string]any{
		"list of ids": importBody(tw, "90002,90003", map[string]any{"value": "x", "author": jo}),
		"author_id":   importBody(tw, "90004", map[string]any{"value": "x", "author_id": hrID}),
		"no origin":   importBody(tw, "", map[string]any{"value": "x", "author": jo}),
	} {
		code, out := stolen.call("POST", "/imports/tickets.json", body)
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s: %v", name, out)
	}
	before := len(tagged(tw.secAdmin, escalation.TagEscalatedFromStd))
	// A comment "by" the HR agent's email is shown as a standard user's.
	ok := importBody(tw, "90005", map[string]any{"value": "first", "author": jo, "uploads": []string{peerToken}},
		map[string]any{"value": "posing as HR", "author": map[string]any{"name": "Hanna HR", "email": "hr.agent@secure.example"}},
		map[string]any{"value": "a caller without an address", "author": map[string]any{"name": "Pat Phone", "email": ""}})
	out = stolen.must("POST", "/imports/tickets.json", ok)
	id := ticketID(out)
	list := commentList(t, tw.secAdmin, id)
	require.NotEqualValues(t, hrID, list[1]["author_id"], "the peer can't write as an HR agent")
	u := tw.secAdmin.must("GET", fmt.Sprintf("/users/%v.json", list[1]["author_id"]), nil)["user"].(map[string]any)
	require.Equal(t, "standard: Hanna HR", u["name"])
	u = tw.secAdmin.must("GET", fmt.Sprintf("/users/%v.json", list[2]["author_id"]), nil)["user"].(map[string]any)
	require.Equal(t, "standard: Pat Phone", u["name"], "an author without an address still arrives")
	require.Len(t, list[0]["attachments"], 1, "its own upload is attached")
	code, out = stolen.call("POST", "/imports/tickets.json", importBody(tw, "90005", map[string]any{"value": "again", "author": jo}))
	require.Equal(t, http.StatusUnprocessableEntity, code, "a second import of the same standard ticket: %v", out)
	require.Len(t, tagged(tw.secAdmin, escalation.TagEscalatedFromStd), before+1)

	// HR's upload is still HR's to use.
	hr.must("POST", "/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Contract",
		"comment": map[string]any{"body": "attached", "uploads": []string{hrToken}}}})

	// On standard, the secure instance's peer neither uploads nor imports.
	stdPeer := tw.probePeer(tw.std)
	code, _ = rawUpload(t, stdPeer, "x.txt", "", "x")
	require.Equal(t, http.StatusForbidden, code)
	code, _ = stdPeer.call("POST", "/imports/tickets.json", importBody(tw, "1", map[string]any{"value": "x", "author": jo}))
	require.Equal(t, http.StatusForbidden, code)
}

// TestRetriedForwardGetsTheSameTicket: a forward whose answer was lost is sent
// again with the same Idempotency-Key (the delivery id); secure answers with
// the ticket the first attempt made instead of refusing a second escalation,
// which would fail the chain for good.
func TestRetriedForwardGetsTheSameTicket(t *testing.T) {
	tw := newTwin(t)
	stolen := tw.probePeer(tw.sec)
	body, err := json.Marshal(importBody(tw, "92001",
		map[string]any{"value": "first", "author": map[string]any{"name": "Jo Doe", "email": "jo.doe@example.com"}}))
	require.NoError(t, err)
	send := func(key string) (int, int64, string) {
		req, err := http.NewRequest("POST", stolen.base+"/api/v2/imports/tickets.json", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.SetBasicAuth(stolen.email+"/token", stolen.token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out := map[string]any{}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != http.StatusCreated {
			return resp.StatusCode, 0, ""
		}
		return resp.StatusCode, ticketID(out), resp.Header.Get("Idempotent-Replayed")
	}
	code, first, replayed := send("delivery-1")
	require.Equal(t, http.StatusCreated, code)
	require.Empty(t, replayed)
	code, again, replayed := send("delivery-1")
	require.Equal(t, http.StatusCreated, code)
	require.Equal(t, first, again, "the same ticket")
	require.Equal(t, "true", replayed)
	code, _, _ = send("delivery-2")
	require.Equal(t, http.StatusUnprocessableEntity, code, "another forward of the same standard ticket")
	require.Len(t, commentList(t, tw.secAdmin, first), 1)
}

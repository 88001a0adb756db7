package instance_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestPeerImportMailsNobody: standard's peer imports an escalated ticket with
// its public comments (they were public on standard), so a secure trigger that
// mails the requester on create must not send them from secure's address: an
// IT admin holding the peer credential could otherwise mail any text to anyone
// as HR. A create by an HR agent still mails (the control).
func TestPeerImportMailsNobody(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	d := newDeployment(t, sqliteBackend)
	d.configure = func(c *config.Serve) {
		c.MailOut = config.MailOut{SMTPURL: "smtp://" + sink.SMTPAddr + "?insecure=true", MailFrom: "HR Desk <hr@hr.company.example>"}
		c.Confidential, c.JobPoll = true, 20*time.Millisecond
	}
	sec := d.open(true)
	var field struct {
		TicketField struct{ ID int64 } `json:"ticket_field"`
	}
	sec.must(http.StatusCreated, "POST", "/api/v2/ticket_fields", map[string]any{"ticket_field": map[string]any{
		"type": "text", "title": escalation.FieldStandardTicket}}, &field)
	sec.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": "Tell the requester", "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": []map[string]any{{"field": "notification_user", "value": []string{"requester_id",
			"{{ticket.title}}", "{{ticket.latest_public_comment}}"}}}}}, nil)
	mails := func() int {
		var out struct {
			OutgoingMail []any `json:"outgoing_mail"`
		}
		sec.must(http.StatusOK, "GET", "/api/v2/twindesk/mail/outgoing", nil, &out)
		return len(out.OutgoingMail)
	}
	sec.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{"subject": "Contract",
		"comment": map[string]any{"body": "Hello"}, "requester": map[string]any{"name": "Al", "email": "al@example.com"}}}, nil)
	sent := mails()
	require.Positive(t, sent, "the trigger mails the requester of a ticket an HR agent creates")

	var issued struct {
		PeerIdentity struct{ Token string } `json:"peer_identity"`
	}
	sec.must(http.StatusCreated, "POST", "/api/v2/twindesk/peer_identities/standard/token", map[string]any{}, &issued)
	peer := *sec
	peer.token = issued.PeerIdentity.Token
	peer.must(http.StatusCreated, "POST", "/api/v2/imports/tickets", map[string]any{"ticket": map[string]any{
		"subject": "Escalated", "requester": map[string]any{"name": "Jo", "email": "jo@example.com"},
		"custom_fields": []map[string]any{{"id": field.TicketField.ID, "value": "4711"}},
		"comments": []map[string]any{{"value": "Click http://evil.example", "public": true,
			"author": map[string]any{"name": "Mallory", "email": "it.admin@standard.example"}}}}}, nil)
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, sent, mails(), "the import mailed the requester")
	for _, m := range sink.Messages() {
		require.NotEqual(t, "jo@example.com", m.To[0].Address, "secure mailed the imported text")
	}
}

package instance_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/canarytest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/mailpittest"
)

// TestMailAcrossEscalation runs a standard and a secure instance with the
// escalation recipe, both mailing to one real SMTP sink. Standard never mails
// what an escalating ticket says; the requester hears from secure's own
// address; secure mails nobody outside its desk the text of a comment.
func TestMailAcrossEscalation(t *testing.T) {
	t.Parallel()
	sink := mailpittest.Start(t)
	smtpURL := "smtp://" + sink.SMTPAddr + "?insecure=true"
	sd := newDeployment(t, sqliteBackend)
	sd.configure = func(c *config.Serve) {
		c.MailOut = config.MailOut{SMTPURL: smtpURL, MailFrom: "IT Helpdesk <it@it.company.example>"}
		c.JobPoll = 20 * time.Millisecond
	}
	std := sd.open(true)
	xd := newDeployment(t, sqliteBackend)
	xd.configure = func(c *config.Serve) {
		c.MailOut = config.MailOut{SMTPURL: smtpURL, MailFrom: "HR Desk <hr@hr.company.example>"}
		c.Confidential, c.WebhookHosts = true, strings.TrimPrefix(std.URL, "http://")
		c.JobPoll = 20 * time.Millisecond
	}
	sec := xd.open(true)
	ctx := context.Background()
	m, err := escalation.ParseMap("Payroll (secure)=Payroll")
	require.NoError(t, err)
	_, err = escalation.Setup(ctx, escalation.Config{
		Standard: escalation.Side{URL: std.URL, Email: std.admin.Email, Token: std.token},
		Secure:   escalation.Side{URL: sec.URL, Email: sec.admin.Email, Token: sec.token},
		Map:      m})
	require.NoError(t, err)
	// A secure trigger that mails whoever made the change: on the escalated
	// ticket's create that is standard's peer identity, which is never mailed.
	sec.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": "cc the actor", "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Create"}}},
		"actions": []map[string]any{{"field": "notification_user", "value": []string{"current_user",
			"{{ticket.title}}", "{{ticket.comments_formatted}}"}}}}}, nil)

	var created struct{ Ticket struct{ ID int64 } }
	std.must(http.StatusCreated, "POST", "/api/v2/tickets", map[string]any{"ticket": map[string]any{
		"subject": "Payslip question", "comment": map[string]any{"body": "My salary is wrong"},
		"requester": map[string]any{"name": "Jo Doe", "email": "jo@example.org"}}}, &created)
	orig := created.Ticket.ID
	sink.WaitFor(1, 20*time.Second) // "request received", from standard, before any escalation

	// The agent moves the ticket to the pseudo group with a public reply: the
	// comment-update trigger fires in the same change that starts the escalation.
	const handover = "handoverzq7x3k" // one lower-case word: the full-text index keeps it as is
	var groups struct {
		Groups []struct {
			ID   int64
			Name string
		}
	}
	std.must(http.StatusOK, "GET", "/api/v2/groups", nil, &groups)
	var pseudo int64
	for _, g := range groups.Groups {
		if g.Name == "Payroll (secure)" {
			pseudo = g.ID
		}
	}
	require.NotZero(t, pseudo)
	std.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v2/tickets/%d", orig), map[string]any{"ticket": map[string]any{
		"group_id": pseudo, "comment": map[string]any{"body": "Payroll will answer you: " + handover, "public": true}}}, nil)

	var fromSecure []mailpittest.Summary
	waitFor(t, 30*time.Second, "a mail from the secure desk to the requester", func() bool {
		fromSecure = nil
		for _, s := range sink.Messages() {
			if s.From.Address == "hr@hr.company.example" {
				fromSecure = append(fromSecure, s)
			}
		}
		return len(fromSecure) == 1
	})
	require.Equal(t, "jo@example.org", fromSecure[0].To[0].Address)
	secMail := sink.Message(fromSecure[0].ID)
	require.Regexp(t, `^hr\+td-[0-9]+-[a-z2-7]{16}@hr\.company\.example$`, secMail.ReplyTo[0].Address, "replies go to secure from now on")
	waitFor(t, 20*time.Second, "standard to purge the original", func() bool {
		status, _ := std.do("GET", fmt.Sprintf("/api/v2/tickets/%d", orig), nil, nil, nil)
		return status == http.StatusNotFound
	})
	time.Sleep(time.Second) // a late mail from standard would have arrived by now
	for _, s := range sink.Messages() {
		msg := sink.Message(s.ID)
		require.NotContains(t, s.To[0].Address, "peers.twindesk.invalid", "a peer identity was mailed")
		if s.From.Address == "it@it.company.example" {
			require.NotContains(t, msg.Text+msg.HTML, handover, "standard mailed an escalating ticket's text")
		}
	}
	// Nothing of the escalated ticket stays in standard's files: not the reply,
	// not a mail row or job that carried it (the purge deleted them).
	waitFor(t, 15*time.Second, "no handover text in standard's data directory", func() bool {
		return len(canarytest.FilesContaining(t, sd.store.DataDir, handover)) == 0
	})
	for _, row := range std.outgoingMail() {
		require.NotEqual(t, orig, row.TicketID, "the purge deletes the original's mail log: %+v", row)
		require.Equal(t, "withheld", row.State, "standard sends nothing about the stub: %+v", row)
		require.Empty(t, row.Subject)
	}

	// On secure, a trigger mails a user who is not of the secure desk (here a
	// standard agent's address): that mail carries no comment text; the
	// requester's does.
	var u struct{ User struct{ ID int64 } }
	sec.must(http.StatusCreated, "POST", "/api/v2/users", map[string]any{"user": map[string]any{
		"name": "Ivo IT", "email": "ivo@it.company.example", "role": "end-user"}}, &u)
	sec.must(http.StatusCreated, "POST", "/api/v2/triggers", map[string]any{"trigger": map[string]any{
		"title": "cc IT", "conditions": map[string]any{"all": []map[string]any{
			{"field": "update_type", "operator": "is", "value": "Change"},
			{"field": "comment_is_public", "operator": "is", "value": "true"}}},
		"actions": []map[string]any{{"field": "notification_user", "value": []string{fmt.Sprint(u.User.ID),
			"{{ticket.title}}", "{{ticket.latest_public_comment}}"}}}}}, nil)
	var secTickets struct{ Tickets []struct{ ID int64 } }
	sec.must(http.StatusOK, "GET", "/api/v2/tickets", nil, &secTickets)
	require.Len(t, secTickets.Tickets, 1)
	const answer = "secure-answer-canary-91c"
	sec.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v2/tickets/%d", secTickets.Tickets[0].ID), map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": "Your payslip is fixed: " + answer, "public": true}}}, nil)
	var toIvo, toJo *mailpittest.Message
	waitFor(t, 20*time.Second, "secure's mails to the requester and to Ivo", func() bool {
		toIvo, toJo = nil, nil
		for _, s := range sink.Messages() {
			if s.From.Address != "hr@hr.company.example" {
				continue
			}
			msg := sink.Message(s.ID)
			switch {
			case s.To[0].Address == "ivo@it.company.example":
				toIvo = &msg
			case strings.Contains(msg.Text, answer):
				toJo = &msg
			}
		}
		return toIvo != nil && toJo != nil
	})
	require.NotContains(t, toIvo.Text+toIvo.HTML+toIvo.Subject, answer)
	require.NotContains(t, toIvo.Subject, "Payslip", "nor the subject")
}

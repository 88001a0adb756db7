package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

type login struct {
	node, role, email, token string
}

type agentSpec struct {
	name, email, group string
}

// sampleData creates the demo agents (with web passwords and API tokens) and, on
// the first run only, a few standard tickets.
func sampleData(ctx context.Context, std, sec *Node) ([]login, error) {
	var logins []login
	for _, side := range []struct {
		n      *Node
		agents []agentSpec
	}{
		{std, []agentSpec{{"Ivy IT", "it.agent@standard.example", "IT Support"}, {"Pat Phone", "phone@standard.example", "Phone Support"}}},
		{sec, []agentSpec{{"Hana HR", "hr.agent@secure.example", "HR"}, {"Paul Payroll", "payroll.agent@secure.example", "Payroll"}}},
	} {
		for _, a := range side.agents {
			tok, err := ensureAgent(ctx, side.n, a)
			if err != nil {
				return nil, fmt.Errorf("demo: agent %s: %w", a.email, err)
			}
			logins = append(logins, login{side.n.Name, a.name, a.email, tok})
		}
		if err := side.n.Instance.Desk.SetPassword(ctx, side.n.Admin.Email, Password); err != nil {
			return nil, err
		}
		logins = append(logins, login{side.n.Name, "Admin", side.n.Admin.Email, side.n.Token})
	}
	if err := makePrivate(ctx, sec, demoPrivateGroup); err != nil {
		return nil, err
	}
	return logins, sampleTickets(ctx, std)
}

// demoPrivateGroup is the secure group whose tickets only its members and the
// admin see: HR agents outside it don't meet a payslip question anywhere.
const demoPrivateGroup = "Payroll"

func makePrivate(ctx context.Context, n *Node, name string) error {
	d := n.Instance.Desk
	g, err := ensureGroup(ctx, d, n.Admin, name)
	if err != nil {
		return err
	}
	public := false
	if _, err := d.SaveGroup(ctx, n.Admin, g.ID, desk.GroupInput{Public: &public}); err != nil {
		return fmt.Errorf("demo: make %s private: %w", name, err)
	}
	return nil
}

func ensureAgent(ctx context.Context, n *Node, a agentSpec) (string, error) {
	d := n.Instance.Desk
	u, err := ensureUser(ctx, d, n.Admin, a.name, a.email, model.RoleAgent)
	if err != nil {
		return "", err
	}
	g, err := ensureGroup(ctx, d, n.Admin, a.group)
	if err != nil {
		return "", err
	}
	_, err = d.AddMembership(ctx, n.Admin, model.GroupMembership{UserID: u.ID, GroupID: g.ID, Default: true})
	var ve *model.ValidationError
	if err != nil && !errors.As(err, &ve) { // already a member on a second run
		return "", err
	}
	if err := d.SetPassword(ctx, a.email, Password); err != nil {
		return "", err
	}
	return d.CreateToken(ctx, a.email)
}

func ensureGroup(ctx context.Context, d *desk.Service, admin model.User, name string) (model.Group, error) {
	g, err := d.DB().Read().GroupByName(ctx, name)
	if err == nil || !errors.Is(err, model.ErrNotFound) {
		return g, err
	}
	return d.SaveGroup(ctx, admin, 0, desk.GroupInput{Name: &name})
}

func sampleTickets(ctx context.Context, std *Node) error {
	d := std.Instance.Desk
	n, err := d.DB().Read().CountTickets(ctx, store.TicketFilter{})
	if err != nil || n > 0 {
		return err
	}
	if err := sampleSLA(ctx, std); err != nil {
		return err
	}
	// The leave request's file goes to secure with it when an agent escalates it.
	for _, t := range []struct{ subject, body, name, email, file, content string }{
		{"Printer on floor 3 jams", "The printer near the kitchen jams on every job; the error log is attached.", "Jo Doe", "jo.doe@example.com", "printer-error-log.txt", "E-0213 paper jam, tray 2\nE-0213 paper jam, tray 2\n"},
		{"VPN drops every hour", "My VPN disconnects every hour since Monday.", "Sam Lee", "sam.lee@example.com", "", ""},
		{"Question about my last payslip", "My payslip shows 4,250.00 but my contract says 4,500.00. Can someone check?", "Alex Kim", "alex.kim@example.com", "", ""},
		{"Parental leave starting in March", "I'd like to start parental leave on 1 March; my personal situation is attached.", "Robin Park", "robin.park@example.com", "leave-request.txt", "Parental leave request\nFrom: 1 March\nReason: birth of a child\n"},
	} {
		subject, body := t.subject, t.body
		in := desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: body},
			Requester: &desk.RequesterInput{Name: t.name, Email: t.email}, Via: "web", Priority: samplePriority()}
		if t.file != "" {
			a, _, err := d.Upload(ctx, std.Admin, desk.UploadInput{FileName: t.file, ContentType: "text/plain",
				Body: strings.NewReader(t.content)})
			if err != nil {
				return fmt.Errorf("demo: sample attachment: %w", err)
			}
			in.Comment.Uploads = []string{a.UploadToken}
		}
		if _, err := d.CreateTicket(ctx, std.Admin, in, ""); err != nil {
			return fmt.Errorf("demo: sample ticket: %w", err)
		}
	}
	return sampleMacros(ctx, std)
}

// sampleMacros adds two shared macros, for the ticket page's "Apply macro".
func sampleMacros(ctx context.Context, std *Node) error {
	for _, m := range []model.Macro{
		{Title: "Printers::Paper jam", Active: true, Actions: []model.Action{{Field: "status", Value: []string{"pending"}},
			{Field: "current_tags", Value: []string{"printer"}}, {Field: "comment_value", Value: []string{
				"Hi {{ticket.requester.first_name}},\n\nplease open tray 2, remove the jammed sheet and tell us if the error comes back.\n\n{{current_user.first_name}}, IT desk"}}}},
		{Title: "Close as solved", Active: true, Actions: []model.Action{{Field: "status", Value: []string{"solved"}},
			{Field: "comment_value", Value: []string{"Glad it works again. Reply to this message if it doesn't."}}}},
	} {
		if _, err := std.Instance.Desk.SaveMacro(ctx, std.Admin, m); err != nil {
			return fmt.Errorf("demo: sample macro: %w", err)
		}
	}
	return nil
}

func printLogins(w io.Writer, std, sec *Node, logins []login) {
	fmt.Fprintf(w, "\nstandard (IT):        %s   data: %s\n", std.URL, std.DataDir)
	fmt.Fprintf(w, "secure (HR/Payroll):  %s   data: %s\n", sec.URL, sec.DataDir)
	fmt.Fprintf(w, "\nWeb UI password for every login below: %s\n\n", Password)
	fmt.Fprintf(w, "%-9s %-14s %-30s %s\n", "instance", "who", "email", "API token (Basic email/token:TOKEN)")
	for _, l := range logins {
		fmt.Fprintf(w, "%-9s %-14s %-30s %s\n", l.node, l.role, l.email, l.token)
	}
	fmt.Fprintf(w, "\nTry it: log in to %s as it.agent@standard.example, open \"Question about my last payslip\"\n", std.URL)
	fmt.Fprintf(w, "and set its group to \"Payroll (secure)\". Within a second it moves to %s and a stub stays behind.\n", sec.URL)
	fmt.Fprintf(w, "On secure, %s is a private group: payroll.agent@secure.example and the admin see its tickets,\n", demoPrivateGroup)
	fmt.Fprintf(w, "hr.agent@secure.example (HR only) gets \"not found\" and no search hit or count for them.\n")
	fmt.Fprintf(w, "\"Printer on floor 3 jams\" carries an attachment (API: GET %s/api/v2/tickets/1/comments.json); its mail in the outbox carries it too.\n", std.URL)
	fmt.Fprintf(w, "As an admin, %s/admin/slas edits the sample SLA policy (\"Replies\") and business hours.\n", std.URL)
}

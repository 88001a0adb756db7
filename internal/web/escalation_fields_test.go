package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
)

// field makes a text custom field titled title.
func (b *bundle) field(t testing.TB, title string) model.TicketField {
	t.Helper()
	typ := "text"
	f, err := b.env.Instance.Desk.SaveField(context.Background(), b.admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestEscalationFieldsAreNotEditable: on secure, "Escalated by" and "Standard
// ticket" of an escalated ticket are text, not boxes an agent could rewrite.
func TestEscalationFieldsAreNotEditable(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.Confidential = true }))
	ctx := context.Background()
	d := b.env.Instance.Desk
	by, std := b.field(t, peer.FieldEscalatedBy), b.field(t, peer.FieldStandardTicket)
	notes := b.field(t, "Notes")
	peerUser, _, err := d.IssuePeerToken(ctx, b.admin, "standard")
	if err != nil {
		t.Fatal(err)
	}
	subject := "Payslip"
	res, err := d.CreateTicket(ctx, peerUser, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "from standard"},
		CustomFields: []model.FieldValue{{ID: by.ID, Value: "it-agent@example.com"}, {ID: std.ID, Value: "77"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get(fmt.Sprintf("/tickets/%d", res.Ticket.ID))
	for _, f := range []model.TicketField{by, std} {
		if strings.Contains(page, fmt.Sprintf(`name="cf_%d"`, f.ID)) {
			t.Fatalf("%s is an editable box", f.Title)
		}
	}
	for _, want := range []string{fmt.Sprintf(`<dd id="cf_%d">it-agent@example.com</dd>`, by.ID), fmt.Sprintf(`<dd id="cf_%d">77</dd>`, std.ID),
		fmt.Sprintf(`name="cf_%d"`, notes.ID)} {
		if !strings.Contains(page, want) {
			t.Fatalf("ticket page lacks %q", want)
		}
	}
}

// TestStubFieldsHiddenOnOrdinaryTickets: when the stub form is the default
// form, an ordinary IT ticket no longer shows its six empty escalation fields.
func TestStubFieldsHiddenOnOrdinaryTickets(t *testing.T) {
	t.Parallel()
	b := setup(t, apitest.SQLite)
	var ids []int64
	var stubFields []model.TicketField
	for _, title := range append([]string{peer.FieldSecureGroup}, peer.StubCreateFields...) {
		f := b.field(t, title)
		stubFields, ids = append(stubFields, f), append(ids, f.ID)
	}
	cat := b.field(t, peer.FieldCategory)
	ids = append(ids, cat.ID)
	name, yes := peer.FormStub, true
	if _, err := b.env.Instance.Desk.SaveForm(context.Background(), b.admin, 0, desk.FormInput{Name: &name, Default: &yes, Active: &yes, TicketFieldIDs: &ids}); err != nil {
		t.Fatal(err)
	}
	tk := b.ticket(t, "Mouse", "double clicks", "ann@example.com", true)
	c := b.client(t)
	c.login(apitest.AdminEmail)
	_, page := c.get(fmt.Sprintf("/tickets/%d", tk.ID))
	for _, f := range stubFields {
		if strings.Contains(page, fmt.Sprintf(`cf_%d"`, f.ID)) {
			t.Fatalf("an ordinary ticket shows the stub field %q", f.Title)
		}
	}
	if !strings.Contains(page, fmt.Sprintf(`name="cf_%d"`, cat.ID)) {
		t.Fatal("the Category field is gone too")
	}
}

package desk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// TestStubSubject: a stub shows a neutral subject built from the pseudo group,
// whatever the secure side sends, unless the operator chose to keep the
// original (--stub-subject original).
func TestStubSubject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode desk.StubSubjects
		want string
	}{
		{desk.StubSubjectNeutral, "Escalated to Payroll"},
		{desk.StubSubjectOriginal, "Salary of Jo Doe"},
	} {
		ctx := context.Background()
		d, db, admin := openDesk(t, desk.WithStubSubjects(tc.mode))
		groupName := "Payroll (secure)"
		g, err := d.SaveGroup(ctx, admin, 0, desk.GroupInput{Name: &groupName})
		require.NoError(t, err)
		subject := "Salary of Jo Doe"
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, GroupID: &g.ID,
			Comment: &desk.CommentInput{Body: "my salary"}, Requester: &desk.RequesterInput{Email: "jo@example.com"}}, "")
		require.NoError(t, err)
		orig := res.Ticket
		require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error { // what the forward trigger sets
			before := orig.Clone()
			orig.Tags = append(orig.Tags, peer.TagEscalationInFlight)
			return tx.UpdateTicket(ctx, &before, &orig)
		}))
		title, typ := peer.FieldOriginalTicket, "text"
		f, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Title: &title, Type: &typ})
		require.NoError(t, err)
		secure, _, err := d.IssuePeerToken(ctx, admin, "secure")
		require.NoError(t, err)
		ext, sent := "17", "Salary of Jo Doe"
		stub, err := d.CreateTicket(ctx, secure, desk.TicketInput{Subject: &sent, ExternalID: &ext,
			Requester:    &desk.RequesterInput{Name: "Someone Else", Email: "else@example.com"},
			Comment:      &desk.CommentInput{Body: "text the secure side wanted here"},
			CustomFields: []model.FieldValue{{ID: f.ID, Value: fmt.Sprint(orig.ID)}}}, "")
		require.NoError(t, err)
		require.Equal(t, tc.want, stub.Ticket.Subject)
		require.Equal(t, orig.RequesterID, stub.Ticket.RequesterID, "the original's requester, not the one sent")
		require.Equal(t, g.ID, stub.Ticket.GroupID)
		require.NotContains(t, stub.Ticket.Description, "text the secure side wanted")
	}
}

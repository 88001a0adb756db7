package desk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/store"
)

// TestAuditViaIsTheChangesChannel: history says how each change was made; a
// ticket created over the API and changed in the UI shows "web" for the change.
func TestAuditViaIsTheChangesChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, db, admin := openDesk(t)
	subject, prio := "Printer", "high"
	res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "jammed"}, Via: "api"}, "")
	require.NoError(t, err)
	_, err = d.UpdateTicket(ctx, admin, res.Ticket.ID, desk.TicketInput{Priority: &prio, Via: "web"})
	require.NoError(t, err)
	audits, err := db.Read().Audits(ctx, res.Ticket.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, audits, 2)
	require.Equal(t, "api", audits[0].Via)
	require.Equal(t, "web", audits[1].Via)
	got, err := d.Ticket(ctx, admin, res.Ticket.ID)
	require.NoError(t, err)
	require.Equal(t, "api", got.Via, "the ticket keeps the channel it was created through")
}

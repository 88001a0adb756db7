package desk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/peer"
	"github.com/twindesk/twindesk/internal/store"
)

// TestBackfillLinksKeepsOldStubsSyncing: a stub made before escalation links
// existed (its tags, "Original ticket" field and external id written as the old
// recipe did) gets its link at the next start, so the secure side's sync still
// reaches it; a forged stub without its ids gets none.
func TestBackfillLinksKeepsOldStubsSyncing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, db, admin := openDesk(t)
	title, typ := peer.FieldOriginalTicket, "text"
	orig, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	require.NoError(t, err)
	title = peer.FieldSecureStatus
	status, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Title: &title, Type: &typ})
	require.NoError(t, err)

	legacy := func(ext string, fields ...model.FieldValue) int64 {
		subject := "Escalated"
		res, err := d.CreateTicket(ctx, admin, desk.TicketInput{Subject: &subject, Comment: &desk.CommentInput{Body: "stub"}}, "")
		require.NoError(t, err)
		tk := res.Ticket
		require.NoError(t, db.WriteTx(ctx, func(tx *store.Tx) error { // as the old recipe wrote it, tags by hand
			before := tk.Clone()
			tk.Tags, tk.ExternalID, tk.CustomFields = []string{peer.TagStubRequiresSync, peer.TagHasSecureID, peer.TagEscalatedToSecure}, ext, fields
			return tx.UpdateTicket(ctx, &before, &tk)
		}))
		return tk.ID
	}
	stub := legacy("77", model.FieldValue{ID: orig.ID, Value: "5"})
	forged := legacy("1,2,3")

	n, err := d.BackfillLinks(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	again, err := d.BackfillLinks(ctx)
	require.NoError(t, err)
	require.Zero(t, again, "a second start writes nothing")

	secure, _, err := d.IssuePeerToken(ctx, admin, "secure")
	require.NoError(t, err)
	closed := "closed"
	_, err = d.UpdateTicket(ctx, secure, stub, desk.TicketInput{Status: &closed, CustomFields: []model.FieldValue{{ID: status.ID, Value: "closed"}}})
	require.NoError(t, err, "the secure side still closes the old stub")
	_, err = d.UpdateTicket(ctx, secure, forged, desk.TicketInput{Status: &closed})
	require.ErrorIs(t, err, model.ErrNotFound, "a ticket without its ids gets no link")
}

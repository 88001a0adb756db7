package desk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestMailCcBecomesCC: the Cc: addresses of an incoming mail that belong to
// known users become the ticket's CCs; unknown ones create nobody. A CC's
// reply is then a public comment, as Zendesk files it.
func TestMailCcBecomesCC(t *testing.T) {
	d, db, cfg := mailDesk(t)
	ctx := t.Context()
	admin, err := db.Read().UserByEmail(ctx, "admin@example.com")
	require.NoError(t, err)
	name, email, role := "Carol", "carol@example.com", "end-user"
	carol, err := d.CreateUser(ctx, admin, desk.UserInput{Name: &name, Email: &email, Role: &role})
	require.NoError(t, err)

	first := take(t, d, cfg, 1, rawMail("Jo <jo@example.com>", "Badge", "Cc: Carol <Carol@example.com>, stranger@example.com\n", "My badge is broken."))
	require.Equal(t, model.MailTicket, first.Outcome, first.Reason)
	tk, err := db.Read().Ticket(ctx, first.TicketID)
	require.NoError(t, err)
	require.Equal(t, []int64{carol.ID}, tk.EmailCCIDs)
	_, err = db.Read().UserByEmail(ctx, "stranger@example.com")
	require.ErrorIs(t, err, model.ErrNotFound, "an unknown Cc creates no user")

	reply := take(t, d, cfg, 2, rawMail("carol@example.com", "Re: Badge", "In-Reply-To: "+cfg.Signer.MessageID(tk.ID, 1)+"\n", "Mine too."))
	require.Equal(t, model.MailComment, reply.Outcome, "a CC's reply is public")
	cs, err := db.Read().Comments(ctx, tk.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.True(t, cs[len(cs)-1].Public)
}

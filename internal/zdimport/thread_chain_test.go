package zdimport

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
)

// TestImportOfAnImportKeepsMessageIDs: a ticket made of a mail in A is
// imported into B, and B into C, each through the comments API as Zendesk's
// is read. B shows the recorded Message-ID of its imported comment as A shows
// the mail it received, so C records it too and a reply to the old mail, naming
// it only in References, threads into C's copy. Before, B's comments API
// showed none for an imported comment, and the chain lost it.
func TestImportOfAnImportKeepsMessageIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apitest.New(t, apitest.SQLite)
	a.Do(t, "POST", "/api/v2/users.json", map[string]any{"user": map[string]any{"name": "Jo Doe", "email": "jo@example.com"}})
	origID := "chain-" + rand.Text() + "@mail.example.com"
	res := smtpIntake(t, a)("jo@example.com", fmt.Sprintf("From: Jo Doe <jo@example.com>\nTo: help@acme.example\n"+
		"Subject: Printer jammed\nMessage-ID: <%s>\nContent-Type: text/plain; charset=utf-8\n\nThe printer on floor 2 is jammed.\n", origID))
	require.Equal(t, model.MailTicket, res.Outcome, res.Reason)
	want := []string{"<" + origID + ">"}
	require.Equal(t, want, commentMessageIDs(t, a, res.TicketID))
	settle()
	for _, bk := range apitest.Backends {
		t.Run(string(bk), func(t *testing.T) {
			b, c := apitest.New(t, bk), apitest.New(t, bk)
			inB := importedAs(ctx, t, a, b, res.TicketID)
			require.Equal(t, want, commentMessageIDs(t, b, inB), "an imported comment shows its Message-ID")
			settle()
			inC := importedAs(ctx, t, b, c, inB)
			require.Equal(t, want, commentMessageIDs(t, c, inC), "the Message-ID survives an import of an import")
			messageIDsThread(ctx, t, b, c, inB, origID)
		})
	}
}

// importedAs imports src into dst and answers the id of ticket id's copy.
func importedAs(ctx context.Context, t *testing.T, src, dst *apitest.Env, id int64) int64 {
	t.Helper()
	_, err := runImport(ctx, t, src, dst, nil)
	require.NoError(t, err)
	u, err := url.Parse(src.URL)
	require.NoError(t, err)
	m, found, err := dst.Instance.DB.Read().ImportID(ctx, u.Host, kindTicket, id)
	require.NoError(t, err)
	require.True(t, found)
	return m.TargetID
}

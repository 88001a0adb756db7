package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestBrowserCCsAndFollowers, at 1280 and 390 px: the ticket page shows the
// ticket's CCs and followers; editing the boxes adds a CC by address (a new
// end user), removes one, and adds a follower; an address that is no agent as
// follower is refused with the desk's message and changes nothing.
func TestBrowserCCsAndFollowers(t *testing.T) {
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := setup(t, apitest.SQLite)
			ctx := context.Background()
			d := b.env.Instance.Desk
			bobID, _ := b.env.CreateEndUser(t, "Bob", "bob@example.com")
			adaID, _ := b.env.CreateAgent(t, "Ada", "ada@example.com")
			tk := b.ticket(t, "Badge reader", "it beeps", "ann@example.com", true)
			ccs := []int64{bobID}
			if _, err := d.UpdateTicket(ctx, b.admin, tk.ID, deskCCs(ccs)); err != nil {
				t.Fatal(err)
			}

			br := newBrowser(t, b.env.URL)
			br.viewport(width, 900)
			br.open("/login")
			br.fill("email", apitest.AdminEmail)
			br.fill("password", password)
			br.clickAndLoad("form[action='/login'] button")
			br.open(fmt.Sprintf("/tickets/%d", tk.ID))
			if v := eval[string](br, `document.getElementById("ccs").value`); v != "bob@example.com" {
				t.Fatalf("the CCs box shows %q", v)
			}
			br.checkPage(fmt.Sprintf("ticket with CCs at %d px", width))

			br.fill("ccs", "carol@example.com")
			br.fill("followers", "ada@example.com")
			br.clickAndLoad("#submit")
			got, err := d.Ticket(ctx, b.admin, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.EmailCCIDs) != 1 || got.EmailCCIDs[0] == bobID || len(got.FollowerIDs) != 1 || got.FollowerIDs[0] != adaID {
				t.Fatalf("after submit: CCs %v (bob %d) followers %v (ada %d)", got.EmailCCIDs, bobID, got.FollowerIDs, adaID)
			}
			carol, err := d.User(ctx, b.admin, got.EmailCCIDs[0])
			if err != nil || carol.Email != "carol@example.com" || carol.Role != model.RoleEndUser {
				t.Fatalf("the new CC is %+v (%v)", carol, err)
			}
			if v := eval[string](br, `document.getElementById("followers").value`); v != "ada@example.com" {
				t.Errorf("the followers box shows %q after saving", v)
			}
			if h := br.text("main"); !strings.Contains(h, "CCs: Bob → carol") || !strings.Contains(h, "Followers: — → Ada") {
				t.Errorf("the history does not name the CCs and followers: %q", h)
			}
			br.screenshot(fmt.Sprintf("ccs-%d", width))

			// An end user can't follow: the desk's message, nothing saved.
			br.fill("followers", "ada@example.com, bob@example.com")
			br.clickAndLoad("#submit")
			if msg := br.bodyText(); !strings.Contains(msg, "is not an agent") {
				t.Errorf("refused follower: page says %q", msg)
			}
			again, err := d.Ticket(ctx, b.admin, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(again.FollowerIDs) != 1 {
				t.Errorf("a refused submit changed the followers: %v", again.FollowerIDs)
			}
			br.checkPage(fmt.Sprintf("refused follower at %d px", width))
		})
	}
}

func deskCCs(ids []int64) desk.TicketInput {
	return desk.TicketInput{CCs: desk.CollaboratorInput{EmailCCIDs: &ids}}
}

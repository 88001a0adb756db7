package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/config"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestBrowserSecureDeskPagesFitAPhone: the secure desk's bar, a read-only
// closed ticket and a search error fit 390 and 1280 px, every control labelled.
func TestBrowserSecureDeskPagesFitAPhone(t *testing.T) {
	b := setup(t, apitest.SQLite, apitest.WithConfig(func(c *config.Serve) { c.Confidential = true }))
	tk := b.ticket(t, "Payslip for November", "see https://payroll.example.com/slips/11 please", "ann@example.com", true)
	ctx := context.Background()
	if err := b.env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
		before := tk.Clone()
		tk.Status = model.StatusClosed
		return tx.UpdateTicket(ctx, &before, &tk)
	}); err != nil {
		t.Fatal(err)
	}
	br := newBrowser(t, b.env.URL)
	br.open("/login")
	if got := br.text("#deskbar"); got != "Secure desk — HR/Payroll" {
		t.Fatalf("login page desk bar says %q", got)
	}
	br.fill("email", apitest.AdminEmail)
	br.fill("password", password)
	br.clickAndLoad("form[action='/login'] button")
	for _, w := range []int64{1280, 390} {
		br.viewport(w, 844)
		for _, path := range []string{"/login", fmt.Sprintf("/tickets/%d", tk.ID), "/search?q=%22open", "/tickets/new"} {
			br.open(path)
			br.checkPage(fmt.Sprintf("%s at %d px", path, w))
		}
		br.open(fmt.Sprintf("/tickets/%d", tk.ID))
		br.screenshot(fmt.Sprintf("secure-closed-%d", w))
	}
}

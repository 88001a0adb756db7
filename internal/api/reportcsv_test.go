package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/escalation"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// TestEscalationCSVDefusesFormulas: a category or escalating agent's name that
// starts a formula must reach the API's CSV as text, as it does in the UI's.
func TestEscalationCSVDefusesFormulas(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	ctx := context.Background()
	d := env.Instance.Desk
	admin, err := d.User(ctx, model.User{Role: model.RoleAdmin}, env.AdminID)
	if err != nil {
		t.Fatal(err)
	}
	fieldIDs := map[string]int64{}
	for _, title := range []string{escalation.FieldSecureCategory, escalation.FieldEscalatedBy} {
		typ := "text"
		f, err := d.SaveField(ctx, admin, 0, desk.FieldInput{Title: &title, Type: &typ})
		if err != nil {
			t.Fatal(err)
		}
		fieldIDs[title] = f.ID
	}
	evil := []string{`=HYPERLINK("http://evil.example","x")`, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"}
	now := time.Now().UTC()
	// The stubs are written through the store: the recipe's tags are reserved in desk.
	err = env.Instance.DB.WriteTx(ctx, func(tx *store.Tx) error {
		for _, v := range evil {
			stub := model.Ticket{Subject: "stub", Status: model.StatusOpen, RequesterID: env.AdminID, SubmitterID: env.AdminID,
				Tags: []string{escalation.TagEscalatedToSecure}, Via: "api", CreatedAt: now, UpdatedAt: now,
				CustomFields: []model.FieldValue{{ID: fieldIDs[escalation.FieldSecureCategory], Value: v},
					{ID: fieldIDs[escalation.FieldEscalatedBy], Value: v}}}
			if _, err := tx.CreateTicket(ctx, &stub); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res := env.Do(t, "GET", "/api/v2/twindesk/reports/escalations.csv", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", res.Status, res.Body)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q of row %q starts a formula", cell, row)
			}
			if strings.HasPrefix(cell, "'") {
				seen++
			}
		}
	}
	if want := 2 * len(evil); seen != want {
		t.Errorf("%d defused cells, want %d (every category and escalator)\n%s", seen, want, res.Body)
	}
}

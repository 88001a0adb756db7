package api_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// zdStatus returns the HTTP status of a go-zendesk error and its body.
func zdStatus(t *testing.T, err error) (int, string) {
	t.Helper()
	var ze zendesk.Error
	require.True(t, errors.As(err, &ze), "want a zendesk.Error, got %v", err)
	return ze.Status(), ze.Error()
}

func TestTicketFieldsThroughClient(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()

			cat, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "tagger", Title: "Secure category",
				CustomFieldOptions: []zendesk.CustomFieldOption{{Name: "Payroll", Value: "cat_payroll"}, {Name: "HR", Value: "cat_hr"}}})
			require.NoError(t, err)
			require.NotZero(t, cat.ID)
			require.True(t, cat.Active, "a new field is active")
			require.Len(t, cat.CustomFieldOptions, 2)
			payrollID := cat.CustomFieldOptions[0].ID
			require.NotZero(t, payrollID)

			text, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "text", Title: "Secure assignee"})
			require.NoError(t, err)

			got, err := c.GetTicketField(ctx, cat.ID)
			require.NoError(t, err)
			require.Equal(t, "Secure category", got.Title)
			all, _, err := c.GetTicketFields(ctx)
			require.NoError(t, err)
			require.Len(t, all, 2)

			// A PUT replaces the option list; options matched by value keep their ids.
			cat.CustomFieldOptions = []zendesk.CustomFieldOption{{Name: "Payroll!", Value: "cat_payroll"}, {Name: "Legal", Value: "cat_legal"}}
			upd, err := c.UpdateTicketField(ctx, cat.ID, cat)
			require.NoError(t, err)
			require.Len(t, upd.CustomFieldOptions, 2)
			require.Equal(t, payrollID, upd.CustomFieldOptions[0].ID)
			require.Equal(t, "Payroll!", upd.CustomFieldOptions[0].Name)
			require.NotEqual(t, payrollID, upd.CustomFieldOptions[1].ID)

			// Option tags are unique across fields.
			_, err = c.CreateTicketField(ctx, zendesk.TicketField{Type: "tagger", Title: "Other",
				CustomFieldOptions: []zendesk.CustomFieldOption{{Name: "Dup", Value: "cat_payroll"}}})
			status, body := zdStatus(t, err)
			require.Equal(t, http.StatusUnprocessableEntity, status, body)
			require.Contains(t, body, "already used by field")

			// A ticket with the option set: the dropdown value is also a tag.
			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Pay", Comment: &zendesk.TicketComment{Body: "pay slip"},
				CustomFields: []zendesk.CustomField{{ID: cat.ID, Value: "cat_payroll"}, {ID: text.ID, Value: "ann@example.com"}}})
			require.NoError(t, err)
			require.Contains(t, tk.Tags, "cat_payroll")

			// An unknown option is a 422 naming the field.
			_, err = c.CreateTicket(ctx, zendesk.Ticket{Subject: "Bad", Comment: &zendesk.TicketComment{Body: "x"},
				CustomFields: []zendesk.CustomField{{ID: cat.ID, Value: "nope"}}})
			status, body = zdStatus(t, err)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, body, "Secure category")

			// The option and the field in use can't be removed; the 422 names the count.
			cat.CustomFieldOptions = []zendesk.CustomFieldOption{{Name: "HR", Value: "cat_hr"}}
			_, err = c.UpdateTicketField(ctx, cat.ID, cat)
			status, body = zdStatus(t, err)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, body, "is set on 1 tickets")
			err = c.DeleteTicketField(ctx, cat.ID)
			status, body = zdStatus(t, err)
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, body, "is set on 1 tickets")

			// Once no live ticket uses it, it goes.
			require.NoError(t, c.DeleteTicket(ctx, tk.ID))
			require.NoError(t, c.DeleteTicketField(ctx, cat.ID))
			_, err = c.GetTicketField(ctx, cat.ID)
			status, _ = zdStatus(t, err)
			require.Equal(t, http.StatusNotFound, status)
		})
	}
}

func TestTicketFieldsNeedAdmin(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	_, token := env.CreateAgent(t, "Ada", "ada@example.com")
	_, err := env.Client("ada@example.com", token).CreateTicketField(t.Context(), zendesk.TicketField{Type: "text", Title: "X"})
	status, _ := zdStatus(t, err)
	require.Equal(t, http.StatusForbidden, status)
	res := env.Do(t, "POST", "/api/v2/ticket_fields.json", map[string]any{"ticket_field": map[string]any{"type": "regexp", "title": "R", "regexp_for_validation": "("}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	require.True(t, strings.Contains(string(res.Body), "regexp_for_validation"), string(res.Body))
}

func TestTicketFormsThroughClient(t *testing.T) {
	t.Parallel()
	for _, b := range apitest.Backends {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t, b)
			c := env.AdminClient()
			ctx := t.Context()
			f1, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "text", Title: "Secure group"})
			require.NoError(t, err)
			f2, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "checkbox", Title: "Urgent pay", Tag: "urgent_pay"})
			require.NoError(t, err)

			stub, err := c.CreateTicketForm(ctx, zendesk.TicketForm{Name: "Stub", TicketFieldIDs: []int64{f1.ID, f2.ID}})
			require.NoError(t, err)
			require.True(t, stub.Default, "the first form is the default")
			require.True(t, stub.Active)
			require.Equal(t, []int64{f1.ID, f2.ID}, stub.TicketFieldIDs)

			other, err := c.CreateTicketForm(ctx, zendesk.TicketForm{Name: "Other", Default: true})
			require.NoError(t, err)
			require.True(t, other.Default)
			stub, err = c.GetTicketForm(ctx, stub.ID)
			require.NoError(t, err)
			require.False(t, stub.Default, "one default form at a time")

			stub.TicketFieldIDs = []int64{f2.ID}
			stub.Name = "Escalation stub"
			stub, err = c.UpdateTicketForm(ctx, stub.ID, stub)
			require.NoError(t, err)
			require.Equal(t, "Escalation stub", stub.Name)
			require.Equal(t, []int64{f2.ID}, stub.TicketFieldIDs)

			_, err = c.CreateTicketForm(ctx, zendesk.TicketForm{Name: "Bad", TicketFieldIDs: []int64{999999}})
			status, _ := zdStatus(t, err)
			require.Equal(t, http.StatusUnprocessableEntity, status)

			tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "S", Comment: &zendesk.TicketComment{Body: "b"}, TicketFormID: stub.ID})
			require.NoError(t, err)
			require.Equal(t, stub.ID, tk.TicketFormID)
			status, body := zdStatus(t, c.DeleteTicketForm(ctx, stub.ID))
			require.Equal(t, http.StatusUnprocessableEntity, status)
			require.Contains(t, body, "used by 1 tickets")

			// Deleting a field drops it from the forms listing it.
			require.NoError(t, c.DeleteTicketField(ctx, f2.ID))
			stub, err = c.GetTicketForm(ctx, stub.ID)
			require.NoError(t, err)
			require.Empty(t, stub.TicketFieldIDs)

			forms, _, err := c.GetTicketForms(ctx, nil)
			require.NoError(t, err)
			require.Len(t, forms, 2)
			require.NoError(t, c.DeleteTicketForm(ctx, other.ID))
		})
	}
}

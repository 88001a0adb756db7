package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// saveFields defines an integer, a dropdown and a checkbox field directly in the
// store and returns their ids.
func saveFields(t *testing.T, env *apitest.Env) (integer, dropdown, checkbox int64) {
	t.Helper()
	now := time.Now().UTC()
	require.NoError(t, env.Instance.DB.WriteTx(t.Context(), func(tx *store.Tx) error {
		var err error
		save := func(f model.TicketField) int64 {
			if err != nil {
				return 0
			}
			f.Active, f.CreatedAt, f.UpdatedAt = true, now, now
			var id int64
			id, err = tx.SaveField(t.Context(), &f)
			return id
		}
		integer = save(model.TicketField{Type: model.FieldInteger, Title: "Seats"})
		dropdown = save(model.TicketField{Type: model.FieldTagger, Title: "Category", Options: []model.FieldOption{
			{ID: 1, Name: "Hardware", Value: "hw"}, {ID: 2, Name: "Software", Value: "sw"}}})
		checkbox = save(model.TicketField{Type: model.FieldCheckbox, Title: "VIP", Tag: "vip"})
		return err
	}))
	return integer, dropdown, checkbox
}

// TestClientCustomFields checks the go-zendesk trap: its CustomField decoder
// rejects JSON numbers, so every value must come back as a string (or a bool for
// checkboxes), whatever type the client sent.
func TestClientCustomFields(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, env *apitest.Env) {
		ctx := context.Background()
		c := env.AdminClient()
		integer, dropdown, checkbox := saveFields(t, env)

		created, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "fields", Comment: &zendesk.TicketComment{Body: "b"},
			CustomFields: []zendesk.CustomField{{ID: integer, Value: "42"}, {ID: dropdown, Value: "hw"}, {ID: checkbox, Value: true}}})
		require.NoError(t, err, "go-zendesk decodes the answer")
		require.ElementsMatch(t, []zendesk.CustomField{{ID: integer, Value: "42"}, {ID: dropdown, Value: "hw"}, {ID: checkbox, Value: true}}, created.CustomFields)
		require.ElementsMatch(t, []string{"hw", "vip"}, created.Tags, "a dropdown's option and a checked box add their tags")

		// Another client sends the integer as a JSON number: it still comes back as a string.
		res := env.Do(t, "PUT", "/api/v2/tickets/"+itoa(created.ID)+".json", map[string]any{"ticket": map[string]any{
			"custom_fields": []map[string]any{{"id": integer, "value": 7}}}})
		require.Equal(t, 200, res.Status, string(res.Body))
		shown, err := c.GetTicket(ctx, created.ID)
		require.NoError(t, err)
		require.Contains(t, shown.CustomFields, zendesk.CustomField{ID: integer, Value: "7"})

		// Removing the dropdown's tag clears the dropdown, as in Zendesk.
		updated, err := c.UpdateTicket(ctx, created.ID, zendesk.Ticket{Tags: []string{"vip"}})
		require.NoError(t, err)
		require.NotContains(t, updated.CustomFields, zendesk.CustomField{ID: dropdown, Value: "hw"})
		require.Contains(t, updated.CustomFields, zendesk.CustomField{ID: checkbox, Value: true})

		_, err = c.UpdateTicket(ctx, created.ID, zendesk.Ticket{CustomFields: []zendesk.CustomField{{ID: dropdown, Value: "nope"}}})
		requireStatus(t, err, 422)
		_, err = c.UpdateTicket(ctx, created.ID, zendesk.Ticket{CustomFields: []zendesk.CustomField{{ID: integer, Value: "4.5"}}})
		requireStatus(t, err, 422)
	})
}

func itoa(id int64) string { return string(groupID(id)) }

package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func saveField(t *testing.T, db *store.DB, f *model.TicketField) {
	t.Helper()
	write(t, db, func(tx *store.Tx) error {
		var err error
		f.ID, err = tx.SaveField(ctx(t), f)
		return err
	})
}

func testFields(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	var optA, optB int64
	write(t, db, func(tx *store.Tx) error {
		var err error
		if optA, err = tx.NewOptionID(c, 0); err != nil {
			return err
		}
		optB, err = tx.NewOptionID(c, 0)
		return err
	})
	require.NotEqual(t, optA, optB, "option ids are unique")

	dropdown := model.TicketField{Type: model.FieldTagger, Title: "Category", Description: "what kind", Active: true,
		Required: true, Position: 2, Options: []model.FieldOption{{ID: optA, Name: "Hardware", Value: "hw"}, {ID: optB, Name: "Software", Value: "sw"}},
		CreatedAt: at, UpdatedAt: at}
	code := model.TicketField{Type: model.FieldRegexp, Title: "Code", RegexpForValidation: `^[A-Z]{3}$`, Active: true, Position: 1, CreatedAt: at, UpdatedAt: at}
	check := model.TicketField{Type: model.FieldCheckbox, Title: "VIP", Tag: "vip", Position: 2, CreatedAt: at, UpdatedAt: at}
	saveField(t, db, &dropdown)
	saveField(t, db, &code)
	saveField(t, db, &check)

	got, err := r.Field(c, dropdown.ID)
	require.NoError(t, err)
	require.Equal(t, dropdown, got, "a field round-trips with its options")
	got, err = r.Field(c, check.ID)
	require.NoError(t, err)
	check.Options = []model.FieldOption{} // no options are stored as an empty list
	require.Equal(t, check, got)

	list, err := r.ListFields(c)
	require.NoError(t, err)
	require.Equal(t, []int64{code.ID, dropdown.ID, check.ID}, ids(list, func(f model.TicketField) int64 { return f.ID }), "by position, then id")

	// Update keeps the id and the type.
	dropdown.Title, dropdown.Options, dropdown.Active, dropdown.UpdatedAt = "Kind", dropdown.Options[:1], false, at.Add(time.Hour)
	saveField(t, db, &dropdown)
	got, err = r.Field(c, dropdown.ID)
	require.NoError(t, err)
	require.Equal(t, dropdown, got)

	// FieldInUse looks at live tickets' values.
	u := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	used := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID,
		CustomFields: []model.FieldValue{{ID: dropdown.ID, Value: "hw"}}})
	for _, tc := range []struct {
		id    int64
		value string
		want  bool
	}{{dropdown.ID, "", true}, {dropdown.ID, "hw", true}, {dropdown.ID, "sw", false}, {code.ID, "", false}} {
		inUse, err := r.FieldInUse(c, tc.id, tc.value)
		require.NoError(t, err)
		require.Equal(t, tc.want, inUse, "FieldInUse(%d, %q)", tc.id, tc.value)
	}
	write(t, db, func(tx *store.Tx) error { return tx.SoftDeleteTicket(c, used.ID, u.ID, at) })
	inUse, err := r.FieldInUse(c, dropdown.ID, "")
	require.NoError(t, err)
	require.False(t, inUse, "deleted tickets don't count")

	write(t, db, func(tx *store.Tx) error { return tx.DeleteField(c, code.ID) })
	_, err = r.Field(c, code.ID)
	requireNotFound(t, err, "deleted field")
}

func testForms(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	save := func(f *model.TicketForm) {
		write(t, db, func(tx *store.Tx) error {
			var err error
			f.ID, err = tx.SaveForm(c, f)
			return err
		})
	}
	def := model.TicketForm{Name: "Default", DisplayName: "Ask us", Position: 1, Active: true, Default: true,
		EndUserVisible: true, TicketFieldIDs: []int64{3, 1, 2}, CreatedAt: at, UpdatedAt: at}
	hr := model.TicketForm{Name: "HR", Position: 0, CreatedAt: at, UpdatedAt: at}
	save(&def)
	save(&hr)

	got, err := r.Form(c, def.ID)
	require.NoError(t, err)
	require.Equal(t, def, got, "a form round-trips, field order kept")
	got, err = r.Form(c, hr.ID)
	require.NoError(t, err)
	hr.TicketFieldIDs = []int64{}
	require.Equal(t, hr, got)

	list, err := r.ListForms(c)
	require.NoError(t, err)
	require.Equal(t, []int64{hr.ID, def.ID}, ids(list, func(f model.TicketForm) int64 { return f.ID }), "by position")

	def.Name, def.Default, def.TicketFieldIDs, def.UpdatedAt = "General", false, []int64{2}, at.Add(time.Minute)
	save(&def)
	got, err = r.Form(c, def.ID)
	require.NoError(t, err)
	require.Equal(t, def, got)

	write(t, db, func(tx *store.Tx) error { return tx.DeleteForm(c, hr.ID) })
	_, err = r.Form(c, hr.ID)
	requireNotFound(t, err, "deleted form")
}

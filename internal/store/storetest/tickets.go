package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func testTicketRoundTrip(t *testing.T, db *store.DB) {
	c := ctx(t)
	req := mustUser(t, db, "Rita", "rita@example.com", model.RoleEndUser)
	ag := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	g := mustGroup(t, db, "IT")

	full := model.Ticket{Subject: "Printer on fire", Description: "It is on fire\nreally", Status: model.StatusOpen,
		Priority: "urgent", Type: "incident", RequesterID: req.ID, SubmitterID: ag.ID, AssigneeID: ag.ID, GroupID: g.ID,
		Tags: []string{"printer", "fire"}, ExternalID: "ext-1",
		CustomFields: []model.FieldValue{{ID: 7, Value: "a \"quoted\" value"}, {ID: 9, Value: "true"}},
		TicketFormID: 3, Via: "web", CreatedAt: at, UpdatedAt: at.Add(time.Second)}
	full = mustTicket(t, db, full)
	got, err := db.Read().Ticket(c, full.ID)
	require.NoError(t, err)
	require.Equal(t, full, got, "every column round-trips")

	// Zero ids are "none" and come back as zero; empty tags and fields as nil.
	bare := mustTicket(t, db, model.Ticket{Subject: "bare", Description: "d", RequesterID: req.ID, SubmitterID: req.ID})
	got, err = db.Read().Ticket(c, bare.ID)
	require.NoError(t, err)
	require.Empty(t, got.Tags)
	require.Empty(t, got.CustomFields)
	bare.Tags, bare.CustomFields = got.Tags, got.CustomFields // nil or empty, either is fine
	require.Equal(t, bare, got)

	// Update saves every mutable column; the description and creation stay.
	upd := full.Clone()
	upd.Subject, upd.Status, upd.Priority, upd.Type = "Printer fixed", model.StatusSolved, "low", "question"
	upd.RequesterID, upd.SubmitterID, upd.AssigneeID, upd.GroupID = ag.ID, req.ID, 0, 0
	upd.Tags, upd.ExternalID, upd.CustomFields, upd.TicketFormID = []string{"done"}, "ext-2", nil, 0
	upd.UpdatedAt = at.Add(time.Hour)
	write(t, db, func(tx *store.Tx) error { return tx.UpdateTicket(c, &full, &upd) })
	got, err = db.Read().Ticket(c, full.ID)
	require.NoError(t, err)
	require.Equal(t, upd, got)

	// A transaction sees its own writes.
	write(t, db, func(tx *store.Tx) error {
		tk := model.Ticket{Subject: "in tx", Description: "d", Status: model.StatusNew, RequesterID: req.ID, SubmitterID: req.ID, Via: "api", CreatedAt: at, UpdatedAt: at}
		id, err := tx.CreateTicket(c, &tk)
		if err != nil {
			return err
		}
		got, err := tx.Ticket(c, id)
		require.NoError(t, err)
		require.Equal(t, "in tx", got.Subject)
		return nil
	})
}

func testTicketList(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	rita := mustUser(t, db, "Rita", "rita@example.com", model.RoleEndUser)
	sam := mustUser(t, db, "Sam", "sam@example.com", model.RoleEndUser)
	ada := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	it := mustGroup(t, db, "IT")
	var all []int64
	var byRita, byAda, inIT, ext []int64
	for i := range 7 {
		tk := model.Ticket{Description: "d", RequesterID: rita.ID, SubmitterID: rita.ID}
		if i%2 == 1 {
			tk.RequesterID = sam.ID
		}
		if i%3 == 0 {
			tk.AssigneeID, tk.GroupID = ada.ID, it.ID
		}
		if i == 2 || i == 5 {
			tk.ExternalID = "crm-42"
		}
		tk = mustTicket(t, db, tk)
		all = append(all, tk.ID)
		if tk.RequesterID == rita.ID {
			byRita = append(byRita, tk.ID)
		}
		if tk.AssigneeID == ada.ID {
			byAda = append(byAda, tk.ID)
			inIT = append(inIT, tk.ID)
		}
		if tk.ExternalID != "" {
			ext = append(ext, tk.ID)
		}
	}

	for _, tc := range []struct {
		name   string
		filter store.TicketFilter
		want   []int64
	}{
		{"all", store.TicketFilter{}, all},
		{"external id", store.TicketFilter{ExternalID: "crm-42"}, ext},
		{"unknown external id", store.TicketFilter{ExternalID: "crm-0"}, nil},
		{"requester", store.TicketFilter{RequesterID: rita.ID}, byRita},
		{"assignee", store.TicketFilter{AssigneeID: ada.ID}, byAda},
		{"group", store.TicketFilter{GroupID: it.ID}, inIT},
		{"requester and assignee", store.TicketFilter{RequesterID: rita.ID, AssigneeID: ada.ID}, intersect(byRita, byAda)},
	} {
		got, err := r.ListTickets(c, tc.filter, store.Page{Limit: 100})
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, nilIfEmpty(ids(got, ticketID)), tc.name)
		n, err := r.CountTickets(c, tc.filter)
		require.NoError(t, err, tc.name)
		require.EqualValues(t, len(tc.want), n, tc.name)
	}

	// Offset pages walk the list in id order, without gaps or repeats.
	var walked []int64
	for off := 0; ; off += 3 {
		page, err := r.ListTickets(c, store.TicketFilter{}, store.Page{Limit: 3, Offset: off})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, ids(page, ticketID)...)
	}
	require.Equal(t, all, walked, "offset pagination")

	// So do cursor pages, each starting after the last id seen.
	walked = nil
	for after := int64(0); ; {
		page, err := r.ListTickets(c, store.TicketFilter{}, store.Page{Limit: 3, AfterID: after})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		walked = append(walked, ids(page, ticketID)...)
		after = page[len(page)-1].ID
	}
	require.Equal(t, all, walked, "cursor pagination")
	page, err := r.ListTickets(c, store.TicketFilter{RequesterID: rita.ID}, store.Page{Limit: 1, AfterID: byRita[0]})
	require.NoError(t, err)
	require.Equal(t, byRita[1:2], ids(page, ticketID), "cursor and filter combine")

	many, err := r.TicketsByIDs(c, []int64{all[3], all[0], 424242, all[5]})
	require.NoError(t, err)
	require.Equal(t, []int64{all[0], all[3], all[5]}, ids(many, ticketID), "show many, by id, unknown ids left out")
	none, err := r.TicketsByIDs(c, nil)
	require.NoError(t, err)
	require.Empty(t, none)
}

func intersect(a, b []int64) []int64 {
	var out []int64
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

func testTicketSoftDelete(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	u := mustUser(t, db, "Rita", "rita@example.com", model.RoleAgent)
	keep := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID, ExternalID: "x"})
	gone := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID, ExternalID: "x"})

	write(t, db, func(tx *store.Tx) error { return tx.SoftDeleteTicket(c, gone.ID, u.ID, at) })
	_, err := r.Ticket(c, gone.ID)
	requireNotFound(t, err, "soft-deleted ticket")
	list, err := r.ListTickets(c, store.TicketFilter{}, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{keep.ID}, ids(list, ticketID), "list leaves deleted tickets out")
	list, err = r.ListTickets(c, store.TicketFilter{ExternalID: "x"}, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{keep.ID}, ids(list, ticketID), "external id lookup leaves deleted tickets out")
	n, err := r.CountTickets(c, store.TicketFilter{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "count leaves deleted tickets out")
	many, err := r.TicketsByIDs(c, []int64{keep.ID, gone.ID})
	require.NoError(t, err)
	require.Equal(t, []int64{keep.ID}, ids(many, ticketID), "show many leaves deleted tickets out")

	requireNotFound(t, writeErr(db, c, func(tx *store.Tx) error { return tx.SoftDeleteTicket(c, gone.ID, u.ID, at) }), "deleting twice")
	requireNotFound(t, writeErr(db, c, func(tx *store.Tx) error { return tx.UpdateTicket(c, &gone, &gone) }), "updating a deleted ticket")
}

// testTicketIDsNeverReused: purging the newest ticket (the escalation flow does)
// must not hand its id to the next ticket, or the next one answers for the purged
// one's tombstone. The kill test found SQLite doing that.
func testTicketIDsNeverReused(t *testing.T, db *store.DB) {
	c := ctx(t)
	u := mustUser(t, db, "Rita", "rita@example.com", model.RoleAgent)
	mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	newest := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	write(t, db, func(tx *store.Tx) error { return tx.PurgeTicket(c, newest.ID) })
	next := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	require.Greater(t, next.ID, newest.ID, "a purged ticket's id is never given out again")
}

func testComments(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	u := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	t1 := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	t2 := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	var want []model.Comment
	write(t, db, func(tx *store.Tx) error {
		for i, body := range []string{"first\nline two", "private note", "third", "fourth"} {
			cm := model.Comment{TicketID: t1.ID, AuthorID: u.ID, AuditID: int64(100 + i), Body: body, Public: i != 1,
				Via: "web", CreatedAt: at.Add(time.Duration(i) * time.Minute)}
			var err error
			if cm.ID, err = tx.AddComment(c, &cm); err != nil {
				return err
			}
			want = append(want, cm)
		}
		_, err := tx.AddComment(c, &model.Comment{TicketID: t2.ID, AuthorID: u.ID, AuditID: 1, Body: "other ticket", Public: true, Via: "api", CreatedAt: at})
		return err
	})
	got, err := r.Comments(c, t1.ID, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, want, got, "comments round-trip, oldest first, only this ticket's")
	got, err = r.Comments(c, t1.ID, store.Page{Limit: 2, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, want[1:3], got, "offset page")
	got, err = r.Comments(c, t1.ID, store.Page{Limit: 2, AfterID: want[2].ID})
	require.NoError(t, err)
	require.Equal(t, want[3:], got, "cursor page")
	n, err := r.CountComments(c, t1.ID)
	require.NoError(t, err)
	require.EqualValues(t, 4, n)
	n, err = r.CountComments(c, 424242)
	require.NoError(t, err)
	require.Zero(t, n)

	// What an end user may read: the public ones, paged and counted alone.
	public := []model.Comment{want[0], want[2], want[3]}
	got, err = r.PublicComments(c, t1.ID, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, public, got)
	got, err = r.PublicComments(c, t1.ID, store.Page{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, public[1:2], got, "offset pages count public comments only")
	got, err = r.PublicComments(c, t1.ID, store.Page{Limit: 1, AfterID: want[0].ID})
	require.NoError(t, err)
	require.Equal(t, public[1:2], got, "cursor pages skip internal notes")
	n, err = r.CountPublicComments(c, t1.ID)
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
}

func testAudits(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	u := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	tk := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: u.ID, SubmitterID: u.ID})
	pub := false
	a1 := model.Audit{TicketID: tk.ID, AuthorID: u.ID, Via: "api", CreatedAt: at, Events: []model.AuditEvent{
		{Type: "Create", FieldName: "subject", Value: "Printer"},
		{Type: "Create", FieldName: "tags", Value: []string{"a", "b"}},
		{Type: "Comment", Body: "hello", Public: &pub, AuthorID: u.ID},
	}}
	a2 := model.Audit{TicketID: tk.ID, AuthorID: u.ID, Via: "web", CreatedAt: at.Add(time.Minute), Events: []model.AuditEvent{
		{Type: "Change", FieldName: "status", Value: "open", PreviousValue: "new", ViaTriggerID: 5},
		{Type: "Notification", Subject: "hi", Body: "b", Recipients: []int64{1, 2}, ViaTriggerID: 5},
	}}
	write(t, db, func(tx *store.Tx) error {
		var err error
		if a1.ID, err = tx.AddAudit(c, &a1); err != nil {
			return err
		}
		a2.ID, err = tx.AddAudit(c, &a2)
		return err
	})
	got, err := r.Audits(c, tk.ID, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Len(t, got, 2)
	// Event values come back as JSON decodes them: string slices as []any.
	a1.Events[1].Value = []any{"a", "b"}
	require.Equal(t, []model.Audit{a1, a2}, got)

	page, err := r.Audits(c, tk.ID, store.Page{Limit: 1, AfterID: a1.ID})
	require.NoError(t, err)
	require.Equal(t, []int64{a2.ID}, ids(page, func(a model.Audit) int64 { return a.ID }))
	page, err = r.Audits(c, tk.ID, store.Page{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, []int64{a2.ID}, ids(page, func(a model.Audit) int64 { return a.ID }))

	extra := append(a2.Events, model.AuditEvent{Type: "Change", FieldName: "priority", Value: "high", PreviousValue: ""})
	write(t, db, func(tx *store.Tx) error { return tx.SetAuditEvents(c, a2.ID, extra) })
	got, err = r.Audits(c, tk.ID, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, extra, got[1].Events, "SetAuditEvents rewrites the events")
	require.Equal(t, a1.Events, got[0].Events, "and only that audit's")
}

func testIdempotencyKeys(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	ada := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	bob := mustUser(t, db, "Bob", "bob@example.com", model.RoleAgent)
	t1 := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: ada.ID, SubmitterID: ada.ID})
	t2 := mustTicket(t, db, model.Ticket{Description: "d", RequesterID: ada.ID, SubmitterID: ada.ID})

	write(t, db, func(tx *store.Tx) error {
		return tx.SaveIdempotencyKey(c, ada.ID, "key-1", t1.ID, at, at.Add(-2*time.Hour))
	})
	id, err := r.IdempotentTicket(c, ada.ID, "key-1", at.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, t1.ID, id)
	_, err = r.IdempotentTicket(c, ada.ID, "key-1", at)
	requireNotFound(t, err, "a key saved at or before since has expired")
	_, err = r.IdempotentTicket(c, bob.ID, "key-1", at.Add(-time.Hour))
	requireNotFound(t, err, "keys are per user")
	_, err = r.IdempotentTicket(c, ada.ID, "key-2", at.Add(-time.Hour))
	requireNotFound(t, err, "unknown key")

	// While the entry is live, saving the key again is a conflict (a concurrent
	// request got there first) and leaves the entry alone.
	err = db.WriteTx(c, func(tx *store.Tx) error {
		return tx.SaveIdempotencyKey(c, ada.ID, "key-1", t2.ID, at.Add(time.Minute), at.Add(-2*time.Hour))
	})
	require.ErrorIs(t, err, model.ErrConflict, "a live key can't be saved again")
	id, err = r.IdempotentTicket(c, ada.ID, "key-1", at.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, t1.ID, id)

	// Saving the same key again replaces the entry (after it expired).
	later := at.Add(3 * time.Hour)
	write(t, db, func(tx *store.Tx) error {
		return tx.SaveIdempotencyKey(c, ada.ID, "key-1", t2.ID, later, later.Add(-2*time.Hour))
	})
	id, err = r.IdempotentTicket(c, ada.ID, "key-1", later.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, t2.ID, id)
	write(t, db, func(tx *store.Tx) error {
		return tx.SaveIdempotencyKey(c, bob.ID, "key-1", t1.ID, later, later.Add(-2*time.Hour))
	})
	id, err = r.IdempotentTicket(c, bob.ID, "key-1", later.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, t1.ID, id, "another user's equal key is its own entry")
}

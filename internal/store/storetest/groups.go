package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func testGroups(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	it := mustGroup(t, db, "IT")
	hr := mustGroup(t, db, "HR")
	pay := mustGroup(t, db, "Payroll")

	got, err := r.Group(c, it.ID)
	require.NoError(t, err)
	require.Equal(t, it, got)
	got, err = r.GroupByName(c, "HR")
	require.NoError(t, err)
	require.Equal(t, hr, got)
	_, err = r.GroupByName(c, "hr")
	requireNotFound(t, err, "group names match exactly")

	err = writeErr(db, c, func(tx *store.Tx) error {
		_, err := tx.CreateGroup(c, model.Group{Name: "IT", CreatedAt: at, UpdatedAt: at})
		return err
	})
	requireConflict(t, err, "duplicate group name")

	hr.Name, hr.Description, hr.UpdatedAt = "People", "formerly HR", at.Add(time.Minute)
	write(t, db, func(tx *store.Tx) error { return tx.UpdateGroup(c, hr) })
	got, err = r.Group(c, hr.ID)
	require.NoError(t, err)
	require.Equal(t, hr, got)
	hr.Name = "IT"
	requireConflict(t, writeErr(db, c, func(tx *store.Tx) error { return tx.UpdateGroup(c, hr) }), "rename to a taken name")

	list, err := r.ListGroups(c, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{it.ID, hr.ID, pay.ID}, ids(list, func(g model.Group) int64 { return g.ID }))
	list, err = r.ListGroups(c, store.Page{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, []int64{hr.ID}, ids(list, func(g model.Group) int64 { return g.ID }))
	list, err = r.ListGroups(c, store.Page{Limit: 5, AfterID: hr.ID})
	require.NoError(t, err)
	require.Equal(t, []int64{pay.ID}, ids(list, func(g model.Group) int64 { return g.ID }))
	list, err = r.GroupsByIDs(c, []int64{pay.ID, it.ID, 424242})
	require.NoError(t, err)
	require.ElementsMatch(t, []int64{it.ID, pay.ID}, ids(list, func(g model.Group) int64 { return g.ID }))

	n, err := r.CountGroups(c)
	require.NoError(t, err)
	require.EqualValues(t, 3, n)

	write(t, db, func(tx *store.Tx) error { return tx.DeleteGroup(c, pay.ID) })
	_, err = r.Group(c, pay.ID)
	requireNotFound(t, err, "deleted group")
	n, err = r.CountGroups(c)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
}

func testMemberships(t *testing.T, db *store.DB) {
	c := ctx(t)
	r := db.Read()
	ada := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	bob := mustUser(t, db, "Bob", "bob@example.com", model.RoleAgent)
	it := mustGroup(t, db, "IT")
	hr := mustGroup(t, db, "HR")

	add := func(u model.User, g model.Group, def bool) model.GroupMembership {
		m := model.GroupMembership{UserID: u.ID, GroupID: g.ID, Default: def, CreatedAt: at, UpdatedAt: at}
		write(t, db, func(tx *store.Tx) error {
			var err error
			m.ID, err = tx.CreateMembership(c, m)
			return err
		})
		return m
	}
	adaIT := add(ada, it, true)
	adaHR := add(ada, hr, false)
	bobHR := add(bob, hr, true)

	err := writeErr(db, c, func(tx *store.Tx) error {
		_, err := tx.CreateMembership(c, model.GroupMembership{UserID: ada.ID, GroupID: it.ID, CreatedAt: at, UpdatedAt: at})
		return err
	})
	requireConflict(t, err, "duplicate membership")

	for _, tc := range []struct {
		user, group int64
		want        bool
	}{{ada.ID, it.ID, true}, {ada.ID, hr.ID, true}, {bob.ID, it.ID, false}, {bob.ID, hr.ID, true}} {
		ok, err := r.IsMember(c, tc.user, tc.group)
		require.NoError(t, err)
		require.Equal(t, tc.want, ok, "IsMember(%d, %d)", tc.user, tc.group)
	}

	mid := func(m model.GroupMembership) int64 { return m.ID }
	all, err := r.Memberships(c, 0, 0, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{adaIT.ID, adaHR.ID, bobHR.ID}, ids(all, mid))
	require.Equal(t, adaIT, all[0], "a membership round-trips")
	byUser, err := r.Memberships(c, ada.ID, 0, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{adaIT.ID, adaHR.ID}, ids(byUser, mid))
	byGroup, err := r.Memberships(c, 0, hr.ID, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{adaHR.ID, bobHR.ID}, ids(byGroup, mid))
	page, err := r.Memberships(c, 0, 0, store.Page{Limit: 1, AfterID: adaHR.ID})
	require.NoError(t, err)
	require.Equal(t, []int64{bobHR.ID}, ids(page, mid))

	// A user's default group comes with the user.
	u, err := r.User(c, ada.ID)
	require.NoError(t, err)
	require.Equal(t, it.ID, u.DefaultGroupID)
	u, err = r.User(c, bob.ID)
	require.NoError(t, err)
	require.Equal(t, hr.ID, u.DefaultGroupID)

	write(t, db, func(tx *store.Tx) error { return tx.DeleteMembership(c, adaIT.ID) })
	ok, err := r.IsMember(c, ada.ID, it.ID)
	require.NoError(t, err)
	require.False(t, ok)
	u, err = r.User(c, ada.ID)
	require.NoError(t, err)
	require.Zero(t, u.DefaultGroupID, "no default group once the default membership is gone")

	// Deleting a group removes its memberships.
	write(t, db, func(tx *store.Tx) error { return tx.DeleteGroup(c, hr.ID) })
	all, err = r.Memberships(c, 0, 0, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Empty(t, all, "memberships of a deleted group are deleted")
}

package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

func testUsers(t *testing.T, db *store.DB) {
	c := ctx(t)
	in := model.User{Name: "Ada Agent", Email: "Ada@Example.com", Role: model.RoleAgent, ExternalID: "ext-ada",
		Active: true, CreatedAt: at, UpdatedAt: at.Add(time.Second)}
	write(t, db, func(tx *store.Tx) error {
		var err error
		in.ID, err = tx.CreateUser(c, in)
		return err
	})
	require.NotZero(t, in.ID)

	got, err := db.Read().User(c, in.ID)
	require.NoError(t, err)
	want := in
	want.Email = "ada@example.com" // stored lower-cased
	require.Equal(t, want, got)

	for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM"} {
		byEmail, err := db.Read().UserByEmail(c, email)
		require.NoError(t, err, email)
		require.Equal(t, in.ID, byEmail.ID, email)
	}
	byExt, err := db.Read().UserByExternalID(c, "ext-ada")
	require.NoError(t, err)
	require.Equal(t, in.ID, byExt.ID)

	// Unique email, whatever its case, is a conflict.
	for _, email := range []string{"ada@example.com", "ADA@example.COM"} {
		err := writeErr(db, c, func(tx *store.Tx) error {
			_, err := tx.CreateUser(c, model.User{Name: "Other", Email: email, Role: model.RoleEndUser, Active: true, CreatedAt: at, UpdatedAt: at})
			return err
		})
		requireConflict(t, err, "CreateUser with taken email "+email)
	}

	// Update saves every mutable column.
	bob := mustUser(t, db, "Bob", "bob@example.com", model.RoleEndUser)
	bob.Name, bob.Email, bob.Role, bob.ExternalID, bob.Active = "Robert", "Robert@Example.com", model.RoleAgent, "ext-bob", false
	bob.UpdatedAt = at.Add(time.Hour)
	write(t, db, func(tx *store.Tx) error { return tx.UpdateUser(c, bob) })
	got, err = db.Read().User(c, bob.ID)
	require.NoError(t, err)
	bob.Email = "robert@example.com"
	require.Equal(t, bob, got)

	// Updating to a taken email is a conflict too.
	bob.Email = "ada@example.com"
	requireConflict(t, writeErr(db, c, func(tx *store.Tx) error { return tx.UpdateUser(c, bob) }), "UpdateUser to a taken email")

	byIDs, err := db.Read().UsersByIDs(c, []int64{bob.ID, in.ID, 424242})
	require.NoError(t, err)
	require.ElementsMatch(t, []int64{in.ID, bob.ID}, ids(byIDs, userID))
	none, err := db.Read().UsersByIDs(c, nil)
	require.NoError(t, err)
	require.Empty(t, none)
}

func testUserListAndSearch(t *testing.T, db *store.DB) {
	c := ctx(t)
	var agents, all []int64
	for _, spec := range []struct {
		name, email string
		role        model.Role
	}{
		{"Alice Admin", "alice@example.com", model.RoleAdmin},
		{"Ann Agent", "ann@help.example", model.RoleAgent},
		{"Eve Enduser", "eve@example.org", model.RoleEndUser},
		{"Al Agent", "al@help.example", model.RoleAgent},
		{"Percent 100%", "percent@example.net", model.RoleEndUser},
	} {
		u := mustUser(t, db, spec.name, spec.email, spec.role)
		all = append(all, u.ID)
		if spec.role == model.RoleAgent {
			agents = append(agents, u.ID)
		}
	}
	r := db.Read()

	list, err := r.ListUsers(c, "", store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, all, ids(list, userID), "all users, by id")
	list, err = r.ListUsers(c, model.RoleAgent, store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, agents, ids(list, userID), "agents only")

	page, err := r.ListUsers(c, "", store.Page{Limit: 2, Offset: 2})
	require.NoError(t, err)
	require.Equal(t, all[2:4], ids(page, userID), "offset page")
	page, err = r.ListUsers(c, "", store.Page{Limit: 2, AfterID: all[3]})
	require.NoError(t, err)
	require.Equal(t, all[4:], ids(page, userID), "cursor page")

	n, err := r.CountUsers(c, "")
	require.NoError(t, err)
	require.EqualValues(t, len(all), n)
	n, err = r.CountUsers(c, model.RoleAgent)
	require.NoError(t, err)
	require.EqualValues(t, len(agents), n)
	n, err = r.CountUsers(c, model.RoleAdmin)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	for _, tc := range []struct {
		text string
		want []int64
	}{
		{"agent", agents},              // name, case-insensitive
		{"HELP.EXAMPLE", agents},       // email, case-insensitive
		{"alice@example.com", all[:1]}, // whole email
		{"example.org", all[2:3]},      // email domain
		{"%", all[4:]},                 // LIKE wildcards are literal
		{"_", nil},                     // no name or email holds an underscore
		{"no such person", nil},
	} {
		got, err := r.SearchUsers(c, tc.text, store.Page{Limit: 100})
		require.NoError(t, err, tc.text)
		require.Equal(t, tc.want, nilIfEmpty(ids(got, userID)), "search %q", tc.text)
	}
	page, err = r.SearchUsers(c, "agent", store.Page{Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, agents[1:], ids(page, userID), "search is paginated")

	// An external id matches exactly, never in part.
	eve, err := r.User(c, all[2])
	require.NoError(t, err)
	eve.ExternalID = "CRM-7"
	write(t, db, func(tx *store.Tx) error { return tx.UpdateUser(c, eve) })
	got, err := r.SearchUsers(c, "CRM-7", store.Page{Limit: 100})
	require.NoError(t, err)
	require.Equal(t, []int64{eve.ID}, ids(got, userID), "search by external id")
	got, err = r.SearchUsers(c, "CRM", store.Page{Limit: 100})
	require.NoError(t, err)
	require.Empty(t, got, "no partial external id match")
}

func nilIfEmpty(s []int64) []int64 {
	if len(s) == 0 {
		return nil
	}
	return s
}

func testTokens(t *testing.T, db *store.DB) {
	c := ctx(t)
	ada := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	bob := mustUser(t, db, "Bob", "bob@example.com", model.RoleAdmin)
	write(t, db, func(tx *store.Tx) error {
		if err := tx.CreateToken(c, ada.ID, "digest-ada-1", at.Unix()); err != nil {
			return err
		}
		if err := tx.CreateToken(c, ada.ID, "digest-ada-2", at.Unix()); err != nil {
			return err
		}
		return tx.CreateToken(c, bob.ID, "digest-bob", at.Unix())
	})
	for digest, want := range map[string]int64{"digest-ada-1": ada.ID, "digest-ada-2": ada.ID, "digest-bob": bob.ID} {
		u, err := db.Read().UserByTokenDigest(c, digest)
		require.NoError(t, err, digest)
		require.Equal(t, want, u.ID, digest)
		require.Equal(t, want == bob.ID, u.Role == model.RoleAdmin, "the token's user comes with its role")
	}
	err := writeErr(db, c, func(tx *store.Tx) error { return tx.CreateToken(c, bob.ID, "digest-bob", at.Unix()) })
	requireConflict(t, err, "duplicate token digest")
	_, err = db.Read().UserByTokenDigest(c, "DIGEST-BOB")
	requireNotFound(t, err, "digests are compared exactly")
}

func testPasswords(t *testing.T, db *store.DB) {
	c := ctx(t)
	u := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	h, err := db.Read().PasswordHash(c, u.ID)
	require.NoError(t, err)
	require.Empty(t, h, "no password until one is set")
	write(t, db, func(tx *store.Tx) error { return tx.SetPassword(c, u.ID, "$argon2id$hash") })
	h, err = db.Read().PasswordHash(c, u.ID)
	require.NoError(t, err)
	require.Equal(t, "$argon2id$hash", h)
}

func testFindOrCreateUser(t *testing.T, db *store.DB) {
	c := ctx(t)
	existing := mustUser(t, db, "Ada", "ada@example.com", model.RoleAgent)
	var got model.User
	write(t, db, func(tx *store.Tx) error {
		var err error
		got, err = tx.FindOrCreateUser(c, model.User{Name: "Other Ada", Email: "ADA@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: at, UpdatedAt: at})
		return err
	})
	require.Equal(t, existing, got, "an existing email returns that user, unchanged")

	// Concurrent transactions asking for one new email all get the same user, and
	// each transaction stays usable afterwards.
	const n = 8
	userIDs := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = writeErr(db, c, func(tx *store.Tx) error {
				u, err := tx.FindOrCreateUser(c, model.User{Name: "Rita", Email: "rita@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: at, UpdatedAt: at})
				if err != nil {
					return err
				}
				userIDs[i] = u.ID
				_, err = tx.CountGroups(c) // the transaction is not aborted
				return err
			})
		}()
	}
	wg.Wait()
	for i, id := range userIDs {
		require.NoError(t, errs[i])
		require.Equal(t, userIDs[0], id)
	}
	rita, err := db.Read().UserByEmail(c, "rita@example.com")
	require.NoError(t, err)
	require.Equal(t, userIDs[0], rita.ID)
	require.Equal(t, model.User{ID: rita.ID, Name: "Rita", Email: "rita@example.com", Role: model.RoleEndUser, Active: true, CreatedAt: at, UpdatedAt: at}, rita)
	total, err := db.Read().CountUsers(c, "")
	require.NoError(t, err)
	require.EqualValues(t, 2, total)
}

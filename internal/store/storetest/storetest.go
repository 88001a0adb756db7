// Package storetest is the conformance suite every store backend passes. The
// sqlite and postgres packages run it from their tests:
//
//	func TestStore(t *testing.T) { storetest.Run(t, openTestDB) }
//
// Each case opens its own empty database with open, so cases run in parallel and
// never see each other's rows.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// Run runs every conformance case as a parallel subtest. open must return a
// freshly migrated, empty database and arrange for it to be closed (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) *store.DB) {
	cases := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"Users", testUsers},
		{"UserListAndSearch", testUserListAndSearch},
		{"FindOrCreateUser", testFindOrCreateUser},
		{"Tokens", testTokens},
		{"Passwords", testPasswords},
		{"Groups", testGroups},
		{"Memberships", testMemberships},
		{"TicketRoundTrip", testTicketRoundTrip},
		{"TicketList", testTicketList},
		{"TicketSoftDelete", testTicketSoftDelete},
		{"TicketIDsNeverReused", testTicketIDsNeverReused},
		{"Comments", testComments},
		{"Audits", testAudits},
		{"IdempotencyKeys", testIdempotencyKeys},
		{"Fields", testFields},
		{"Forms", testForms},
		{"WriteTxRollback", testWriteTxRollback},
		{"NotFound", testNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

// at is a fixed, microsecond-precise UTC time: what the store keeps exactly.
var at = time.Date(2026, 11, 25, 10, 0, 0, 123456000, time.UTC)

func ctx(t *testing.T) context.Context { return t.Context() }

// write runs fn in a write transaction and fails the test on error.
func write(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	require.NoError(t, db.WriteTx(ctx(t), fn))
}

// writeErr runs fn in a write transaction and returns its error.
func writeErr(db *store.DB, c context.Context, fn func(tx *store.Tx) error) error {
	return db.WriteTx(c, fn)
}

func mustUser(t *testing.T, db *store.DB, name, email string, role model.Role) model.User {
	t.Helper()
	u := model.User{Name: name, Email: email, Role: role, Active: true, CreatedAt: at, UpdatedAt: at}
	write(t, db, func(tx *store.Tx) error {
		var err error
		u.ID, err = tx.CreateUser(ctx(t), u)
		return err
	})
	return u
}

func mustGroup(t *testing.T, db *store.DB, name string) model.Group {
	t.Helper()
	g := model.Group{Name: name, Description: name + " team", CreatedAt: at, UpdatedAt: at}
	write(t, db, func(tx *store.Tx) error {
		var err error
		g.ID, err = tx.CreateGroup(ctx(t), g)
		return err
	})
	return g
}

func mustTicket(t *testing.T, db *store.DB, tk model.Ticket) model.Ticket {
	t.Helper()
	if tk.Status == "" {
		tk.Status = model.StatusNew
	}
	if tk.Subject == "" {
		tk.Subject = "subject"
	}
	if tk.Via == "" {
		tk.Via = "api"
	}
	if tk.CreatedAt.IsZero() {
		tk.CreatedAt, tk.UpdatedAt = at, at
	}
	write(t, db, func(tx *store.Tx) error {
		var err error
		tk.ID, err = tx.CreateTicket(ctx(t), &tk)
		return err
	})
	return tk
}

// requireNotFound asserts err wraps model.ErrNotFound.
func requireNotFound(t *testing.T, err error, what string) {
	t.Helper()
	require.Error(t, err, what)
	require.Truef(t, errors.Is(err, model.ErrNotFound), "%s: want model.ErrNotFound, got %v", what, err)
}

// requireConflict asserts err wraps model.ErrConflict.
func requireConflict(t *testing.T, err error, what string) {
	t.Helper()
	require.Error(t, err, what)
	require.Truef(t, errors.Is(err, model.ErrConflict), "%s: want model.ErrConflict, got %v", what, err)
}

func ids[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func ticketID(t model.Ticket) int64 { return t.ID }
func userID(u model.User) int64     { return u.ID }

func testWriteTxRollback(t *testing.T, db *store.DB) {
	boom := errors.New("boom")
	err := writeErr(db, ctx(t), func(tx *store.Tx) error {
		if _, err := tx.CreateUser(ctx(t), model.User{Name: "Ghost", Email: "ghost@example.com", Role: model.RoleAgent, Active: true, CreatedAt: at, UpdatedAt: at}); err != nil {
			return err
		}
		if _, err := tx.CreateGroup(ctx(t), model.Group{Name: "Ghosts", CreatedAt: at, UpdatedAt: at}); err != nil {
			return err
		}
		return fmt.Errorf("wrapped: %w", boom)
	})
	require.ErrorIs(t, err, boom, "WriteTx returns fn's error unchanged")
	_, err = db.Read().UserByEmail(ctx(t), "ghost@example.com")
	requireNotFound(t, err, "user of a rolled-back transaction")
	_, err = db.Read().GroupByName(ctx(t), "Ghosts")
	requireNotFound(t, err, "group of a rolled-back transaction")

	// A failed statement inside the transaction rolls back the earlier ones too.
	mustUser(t, db, "Taken", "taken@example.com", model.RoleAgent)
	err = writeErr(db, ctx(t), func(tx *store.Tx) error {
		if _, err := tx.CreateGroup(ctx(t), model.Group{Name: "Half", CreatedAt: at, UpdatedAt: at}); err != nil {
			return err
		}
		_, err := tx.CreateUser(ctx(t), model.User{Name: "Dup", Email: "taken@example.com", Role: model.RoleAgent, Active: true, CreatedAt: at, UpdatedAt: at})
		return err
	})
	requireConflict(t, err, "duplicate email inside a transaction")
	_, err = db.Read().GroupByName(ctx(t), "Half")
	requireNotFound(t, err, "group written before the failing statement")
}

func testNotFound(t *testing.T, db *store.DB) {
	r := db.Read()
	c := ctx(t)
	_, err := r.User(c, 424242)
	requireNotFound(t, err, "User")
	_, err = r.UserByEmail(c, "nobody@example.com")
	requireNotFound(t, err, "UserByEmail")
	_, err = r.UserByExternalID(c, "nope")
	requireNotFound(t, err, "UserByExternalID")
	_, err = r.UserByTokenDigest(c, "0000")
	requireNotFound(t, err, "UserByTokenDigest")
	_, err = r.PasswordHash(c, 424242)
	requireNotFound(t, err, "PasswordHash")
	_, err = r.Group(c, 424242)
	requireNotFound(t, err, "Group")
	_, err = r.GroupByName(c, "nope")
	requireNotFound(t, err, "GroupByName")
	_, err = r.Ticket(c, 424242)
	requireNotFound(t, err, "Ticket")
	_, err = r.Field(c, 424242)
	requireNotFound(t, err, "Field")
	_, err = r.Form(c, 424242)
	requireNotFound(t, err, "Form")
	_, err = r.IdempotentTicket(c, 1, "nope", at.Add(-time.Hour))
	requireNotFound(t, err, "IdempotentTicket")

	for name, fn := range map[string]func(tx *store.Tx) error{
		"UpdateUser": func(tx *store.Tx) error {
			return tx.UpdateUser(c, model.User{ID: 424242, Name: "x", Email: "x@example.com", Role: model.RoleAgent})
		},
		"SetPassword":      func(tx *store.Tx) error { return tx.SetPassword(c, 424242, "hash") },
		"UpdateGroup":      func(tx *store.Tx) error { return tx.UpdateGroup(c, model.Group{ID: 424242, Name: "x"}) },
		"DeleteGroup":      func(tx *store.Tx) error { return tx.DeleteGroup(c, 424242) },
		"DeleteMembership": func(tx *store.Tx) error { return tx.DeleteMembership(c, 424242) },
		"UpdateTicket": func(tx *store.Tx) error {
			return tx.UpdateTicket(c, &model.Ticket{}, &model.Ticket{ID: 424242, Status: model.StatusOpen})
		},
		"SoftDeleteTicket": func(tx *store.Tx) error { return tx.SoftDeleteTicket(c, 424242, 1, at) },
		"SetAuditEvents":   func(tx *store.Tx) error { return tx.SetAuditEvents(c, 424242, nil) },
		"DeleteField":      func(tx *store.Tx) error { return tx.DeleteField(c, 424242) },
		"DeleteForm":       func(tx *store.Tx) error { return tx.DeleteForm(c, 424242) },
		"SaveField (update)": func(tx *store.Tx) error {
			_, err := tx.SaveField(c, &model.TicketField{ID: 424242, Type: model.FieldText, Title: "x"})
			return err
		},
		"SaveForm (update)": func(tx *store.Tx) error {
			_, err := tx.SaveForm(c, &model.TicketForm{ID: 424242, Name: "x"})
			return err
		},
	} {
		requireNotFound(t, writeErr(db, c, fn), name)
	}
}

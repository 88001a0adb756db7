package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestSuspensionEndsSessions: suspending an agent ends their web sessions and
// stops their tokens; reactivating lets tokens work again but brings no session back.
func TestSuspensionEndsSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := sessionDesk(t)
	sess, err := d.Login(ctx, "ada@example.com", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	token, err := d.CreateToken(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ada, err := d.Authenticate(ctx, token) // cached from here on
	if err != nil {
		t.Fatal(err)
	}
	admin := model.User{ID: -1, Role: model.RoleAdmin}
	for _, active := range []bool{false, true} {
		if _, err := d.UpdateUser(ctx, admin, ada.ID, desk.UserInput{Active: &active}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, sess.Token); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("active=%v: the old session answers %v, want ErrNotFound (ended)", active, err)
		}
		_, err := d.Authenticate(ctx, token)
		if active != (err == nil) {
			t.Errorf("active=%v: the token answers %v", active, err)
		}
	}
	if _, err := d.Login(ctx, "ada@example.com", "correct horse battery"); err != nil {
		t.Errorf("after reactivation a new login fails: %v", err)
	}
}

// TestEndUserCantChangeIdentity: an end user who set their own email to an
// unregistered address would be given every ticket later filed from it.
func TestEndUserCantChangeIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := sessionDesk(t)
	token, err := d.CreateToken(ctx, "erin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	erin, err := d.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	email, ext, role, off := "ceo@example.com", "emp-1", "end-user", false
	for name, in := range map[string]desk.UserInput{
		"email": {Email: &email}, "external id": {ExternalID: &ext}, "suspension": {Active: &off},
	} {
		if _, err := d.UpdateUser(ctx, erin, erin.ID, in); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("end user changes own %s: %v, want ErrForbidden", name, err)
		}
	}
	if _, _, err := d.CreateOrUpdateUser(ctx, erin, desk.UserInput{Email: &erin.Email, ExternalID: &ext}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("end user changes own external id through create_or_update: %v, want ErrForbidden", err)
	}
	name := "Erin B."
	if u, err := d.UpdateUser(ctx, erin, erin.ID, desk.UserInput{Name: &name, Email: &erin.Email, Role: &role}); err != nil || u.Name != name {
		t.Errorf("end user renames self (same email and role sent back): %v %+v", err, u)
	}
	if u, err := d.User(ctx, erin, erin.ID); err != nil || u.Email != "erin@example.com" {
		t.Fatalf("erin now: %+v %v", u, err)
	}

	// Staff may change it, but not to an email in use.
	agent := model.User{ID: -1, Role: model.RoleAgent}
	taken := "ada@example.com"
	var ve *model.ValidationError
	if _, err := d.UpdateUser(ctx, agent, erin.ID, desk.UserInput{Email: &taken}); !errors.As(err, &ve) || ve.Errors[0].Code != "DuplicateValue" {
		t.Errorf("agent sets erin's email to ada's: %v, want DuplicateValue", err)
	}
	if u, err := d.UpdateUser(ctx, agent, erin.ID, desk.UserInput{Email: &email}); err != nil || u.Email != email {
		t.Errorf("agent changes erin's email: %v %+v", err, u)
	}
}

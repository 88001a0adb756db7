package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
)

// TestAuthenticateSeesChangesAtOnce: tokens are served from a cache, yet a
// suspension or a role change made through the desk applies to the next request.
func TestAuthenticateSeesChangesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := sessionDesk(t)
	token, err := d.CreateToken(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ada, err := d.Authenticate(ctx, token)
	if err != nil || ada.Role != model.RoleAgent {
		t.Fatalf("authenticate: %v, role %s", err, ada.Role)
	}
	admin := model.User{ID: -1, Role: model.RoleAdmin}
	role := string(model.RoleAdmin)
	if _, err := d.UpdateUser(ctx, admin, ada.ID, desk.UserInput{Role: &role}); err != nil {
		t.Fatal(err)
	}
	if u, err := d.Authenticate(ctx, token); err != nil || u.Role != model.RoleAdmin {
		t.Fatalf("after the role change: %v, role %s, want admin", err, u.Role)
	}
	off := false
	if _, err := d.UpdateUser(ctx, admin, ada.ID, desk.UserInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Authenticate(ctx, token); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("after suspension: %v, want ErrForbidden", err)
	}
	if _, err := d.Authenticate(ctx, token+"x"); !errors.Is(err, model.ErrNotFound) && !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("unknown token: %v", err)
	}
}

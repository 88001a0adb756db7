package desk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/twindesk/twindesk/internal/desk"
	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store/sqlite"
)

// fakeClock is a settable time source for session expiry.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// sessionDesk opens a desk on SQLite with an agent (password set) and an end user.
func sessionDesk(t *testing.T) (*desk.Service, *fakeClock) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	clock := &fakeClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	d := desk.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), desk.WithClock(clock.Now))
	for _, u := range []struct{ name, email, role string }{{"Ada", "ada@example.com", "agent"}, {"Erin", "erin@example.com", "end-user"}} {
		if _, err := d.BootstrapUser(ctx, desk.UserInput{Name: &u.name, Email: &u.email, Role: &u.role}); err != nil {
			t.Fatal(err)
		}
		if err := d.SetPassword(ctx, u.email, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	return d, clock
}

func TestWebSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("refusals are all forbidden", func(t *testing.T) {
		t.Parallel()
		d, _ := sessionDesk(t)
		for _, c := range []struct{ email, pw string }{
			{"ada@example.com", "wrong password"}, {"nobody@example.com", "correct horse battery"}, {"erin@example.com", "correct horse battery"},
		} {
			if _, err := d.Login(ctx, c.email, c.pw); !errors.Is(err, model.ErrForbidden) {
				t.Errorf("login %s: %v, want ErrForbidden", c.email, err)
			}
		}
	})

	t.Run("expiry slides with use and logout ends it", func(t *testing.T) {
		t.Parallel()
		d, clock := sessionDesk(t)
		s, err := d.Login(ctx, "ADA@example.com", "correct horse battery")
		if err != nil || s.Token == "" || s.CSRF == "" || s.Token == s.CSRF {
			t.Fatalf("login: %+v, %v", s, err)
		}
		clock.Add(desk.SessionTTL - time.Minute) // past half: this use extends it
		if _, err := d.Session(ctx, s.Token); err != nil {
			t.Fatalf("session before expiry: %v", err)
		}
		clock.Add(desk.SessionTTL - time.Minute)
		got, err := d.Session(ctx, s.Token)
		if err != nil || got.CSRF != s.CSRF || got.User.Email != "ada@example.com" {
			t.Fatalf("extended session: %+v, %v", got, err)
		}
		clock.Add(desk.SessionTTL + time.Second)
		if _, err := d.Session(ctx, s.Token); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("idle session: %v, want ErrNotFound", err)
		}
		s, _ = d.Login(ctx, "ada@example.com", "correct horse battery")
		if err := d.Logout(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, s.Token); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("after logout: %v, want ErrNotFound", err)
		}
	})

	t.Run("a password reset or suspension ends sessions", func(t *testing.T) {
		t.Parallel()
		d, _ := sessionDesk(t)
		s, err := d.Login(ctx, "ada@example.com", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetPassword(ctx, "ada@example.com", "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, s.Token); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("after password reset: %v, want ErrNotFound", err)
		}
		s, _ = d.Login(ctx, "ada@example.com", "a brand new password")
		admin := model.User{ID: -1, Role: model.RoleAdmin}
		inactive := false
		if _, err := d.UpdateUser(ctx, admin, s.User.ID, desk.UserInput{Active: &inactive}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, s.Token); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("suspended user's session: %v, want ErrNotFound (ended, so a reactivation can't revive it)", err)
		}
	})
}
